using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Experiments.Training.Models;

/// <summary>
/// A decoder-only GPT (nanoGPT's shape): token and position embeddings, pre-norm blocks, a final
/// LayerNorm, a language-model head (tied to the token embedding unless configured otherwise) and an
/// optional classification head over the last real token.
/// </summary>
public sealed class Gpt : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // parameter names are the state-dict names
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly Dropout drop;
    private readonly ModuleList<TransformerBlock> h;
    private readonly LayerNorm ln_f;
    private readonly Linear? lm_head;
    private readonly Linear? score;
#pragma warning restore IDE1006

    /// <summary>Builds the model with weights drawn from torch's global generator (seed it first).</summary>
    public Gpt(GptConfig config) : base(nameof(Gpt))
    {
        Config = config;
        wte = nn.Embedding(config.VocabSize, config.Dim);
        wpe = nn.Embedding(config.Context, config.Dim);
        drop = nn.Dropout(config.Dropout);
        h = new ModuleList<TransformerBlock>(Enumerable.Range(0, config.Layers).Select(_ => new TransformerBlock(config)).ToArray());
        ln_f = nn.LayerNorm(config.Dim);
        lm_head = config.TiedEmbeddings ? null : nn.Linear(config.Dim, config.VocabSize, hasBias: false);
        score = config.Labels.Count > 0 ? nn.Linear(config.Dim, config.Labels.Count) : null;
        RegisterComponents();
        Initialise();
    }

    public GptConfig Config { get; }

    public LoraOptions? Lora { get; private set; }

    public IReadOnlyList<TransformerBlock> Blocks => h.ToArray();

    /// <summary>nanoGPT's scheme: N(0, 0.02) weights, zero biases, residual projections scaled by 1/sqrt(2·layers).</summary>
    private void Initialise()
    {
        double residualStd = 0.02 / Math.Sqrt(2.0 * Config.Layers);
        using (no_grad())
        {
            foreach ((string name, Parameter parameter) in named_parameters())
            {
                if (name.EndsWith(".bias", StringComparison.Ordinal))
                {
                    nn.init.zeros_(parameter);
                }
                else if (name.StartsWith("ln_", StringComparison.Ordinal) || name.Contains(".ln_", StringComparison.Ordinal))
                {
                    nn.init.ones_(parameter);
                }
                else
                {
                    bool residual = name.EndsWith("o_proj.weight", StringComparison.Ordinal) || name.EndsWith("down_proj.weight", StringComparison.Ordinal);
                    nn.init.normal_(parameter, 0.0, residual ? residualStd : 0.02);
                }
            }
        }
    }

    public override Tensor forward(Tensor ids) => Hidden(ids);

    /// <summary>The final hidden states, [batch, time, dim].</summary>
    public Tensor Hidden(Tensor ids)
    {
        using DisposeScope scope = NewDisposeScope();
        long time = ids.shape[1];
        if (time > Config.Context)
        {
            throw new ArgumentException($"sequence of {time} tokens is longer than the model's context of {Config.Context}");
        }
        Tensor positions = arange(time, dtype: int64, device: ids.device);
        Tensor x = drop.forward(wte.forward(ids).add(wpe.forward(positions)));
        foreach (TransformerBlock block in h)
        {
            x = block.forward(x);
        }
        return ln_f.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>Next-token logits, [batch, time, vocab].</summary>
    public Tensor LmLogits(Tensor hidden) =>
        lm_head is null ? nn.functional.linear(hidden, wte.weight!) : lm_head.forward(hidden);

    /// <summary>Class logits from the hidden state at each row's last real token, [batch, classes].</summary>
    public Tensor ClassLogits(Tensor hidden, Tensor lastIndex)
    {
        if (score is null)
        {
            throw new InvalidOperationException("This model has no classification head (its config lists no labels).");
        }
        using DisposeScope scope = NewDisposeScope();
        Tensor index = lastIndex.view(-1, 1, 1).expand(-1, 1, hidden.shape[2]);
        Tensor pooled = hidden.gather(1, index).squeeze(1);
        return score.forward(pooled).MoveToOuterDisposeScope();
    }

    /// <summary>Adds LoRA adapters and freezes everything else except the classification head.</summary>
    public void AddLora(LoraOptions options)
    {
        if (Lora is not null)
        {
            throw new InvalidOperationException("LoRA adapters are already in place.");
        }
        foreach (Parameter parameter in parameters())
        {
            parameter.requires_grad = false;
        }
        foreach (TransformerBlock block in h)
        {
            block.Attention.AddLora(options);
            block.Mlp.AddLora(options);
        }
        if (score is not null)
        {
            foreach (Parameter parameter in score.parameters())
            {
                parameter.requires_grad = true;
            }
        }
        Lora = options;
    }

    public IEnumerable<(string Name, Parameter Parameter)> TrainableParameters() =>
        named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter));

    public long ParameterCount(bool trainableOnly = false) =>
        named_parameters().Where(p => !trainableOnly || p.parameter.requires_grad).Sum(p => p.parameter.numel());

    /// <summary>
    /// The model's weights in their base names, sorted, with every LoRA update merged in
    /// (W + alpha/r · B·A): what a model without adapters needs to produce the same outputs.
    /// </summary>
    public SortedDictionary<string, Tensor> MergedStateDict()
    {
        var state = new SortedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach ((string name, Tensor tensor) in state_dict())
        {
            if (!name.Contains("lora_", StringComparison.Ordinal))
            {
                state[name] = tensor;
            }
        }
        using (no_grad())
        {
            for (int i = 0; i < h.Count; i++)
            {
                h[i].Attention.MergeInto(state, $"h.{i}.attn.");
                h[i].Mlp.MergeInto(state, $"h.{i}.mlp.");
            }
        }
        return state;
    }

    /// <summary>Only the adapter weights (PEFT's adapter_model.safetensors), sorted.</summary>
    public SortedDictionary<string, Tensor> AdapterStateDict() =>
        new(state_dict().Where(p => p.Key.Contains("lora_", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
}

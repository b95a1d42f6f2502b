using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Experiments.Training.Models;

/// <summary>The position-wise MLP: up projection, GELU, down projection, dropout.</summary>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // parameter names are the state-dict names
    private readonly Linear up_proj;
    private readonly Linear down_proj;
    private readonly GELU act;
    private readonly Dropout dropout;
#pragma warning restore IDE1006
    private LoraAdapter? _loraUp;
    private LoraAdapter? _loraDown;

    public FeedForward(GptConfig config) : base(nameof(FeedForward))
    {
        int hidden = config.MlpRatio * config.Dim;
        up_proj = nn.Linear(config.Dim, hidden);
        down_proj = nn.Linear(hidden, config.Dim);
        act = nn.GELU();
        dropout = nn.Dropout(config.Dropout);
        RegisterComponents();
    }

    public Linear Down => down_proj;

    public void AddLora(LoraOptions options)
    {
        long dim = up_proj.weight!.shape[1];
        long hidden = up_proj.weight!.shape[0];
        if (options.Covers("up_proj"))
        {
            _loraUp = new LoraAdapter((int)dim, (int)hidden, options.Rank, options.Alpha, options.Dropout);
            register_module("lora_up", _loraUp);
        }
        if (options.Covers("down_proj"))
        {
            _loraDown = new LoraAdapter((int)hidden, (int)dim, options.Rank, options.Alpha, options.Dropout);
            register_module("lora_down", _loraDown);
        }
    }

    public void MergeInto(IDictionary<string, Tensor> state, string prefix)
    {
        foreach ((LoraAdapter? adapter, string name) in new[] { (_loraUp, "up_proj"), (_loraDown, "down_proj") })
        {
            if (adapter is not null)
            {
                string key = $"{prefix}{name}.weight";
                using Tensor delta = adapter.DeltaWeight();
                state[key] = state[key].add(delta);
            }
        }
    }

    public override Tensor forward(Tensor input)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor up = up_proj.forward(input);
        if (_loraUp is not null)
        {
            up = up.add(_loraUp.forward(input));
        }
        Tensor hidden = act.forward(up);
        Tensor down = down_proj.forward(hidden);
        if (_loraDown is not null)
        {
            down = down.add(_loraDown.forward(hidden));
        }
        return dropout.forward(down).MoveToOuterDisposeScope();
    }
}

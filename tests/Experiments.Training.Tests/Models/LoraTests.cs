using Experiments.Training.Models;
using Experiments.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Experiments.Training.Tests.Models;

public sealed class LoraTests
{
    private static readonly LoraOptions s_rank8 = new(8, 16, 0.0, ["q_proj", "v_proj", "o_proj", "up_proj"]);

    [Fact]
    public void Training_changes_only_the_adapters_and_leaves_the_base_weights_untouched()
    {
        using Gpt model = TinyModels.Create();
        var before = model.state_dict().ToDictionary(p => p.Key, p => TinyModels.Values(p.Value));
        model.AddLora(s_rank8);

        new Trainer(model, TinyModels.Data(TinyModels.Examples(32), rows: 4), Objective.CausalLm, TinyModels.Options(5), CPU)
            .Run(CancellationToken.None);

        foreach ((string name, Tensor tensor) in model.state_dict())
        {
            if (before.TryGetValue(name, out float[]? original))
            {
                Assert.Equal(original, TinyModels.Values(tensor));
            }
        }
        Assert.Contains(model.AdapterStateDict(), p => p.Key.EndsWith("lora_B.weight", StringComparison.Ordinal) && TinyModels.Values(p.Value).Any(v => v != 0));
    }

    [Fact]
    public void The_merged_export_equals_base_plus_scaled_BA_and_computes_the_same_outputs()
    {
        using Gpt model = TinyModels.Create();
        model.AddLora(s_rank8);
        new Trainer(model, TinyModels.Data(TinyModels.Examples(32), rows: 4), Objective.CausalLm, TinyModels.Options(5), CPU)
            .Run(CancellationToken.None);
        var state = model.state_dict();

        SortedDictionary<string, Tensor> merged = model.MergedStateDict();

        Assert.DoesNotContain(merged.Keys, k => k.Contains("lora_", StringComparison.Ordinal));
        double scale = 16.0 / 8;
        // The fused projection's rows are q (0-31), k (32-63), v (64-95). State tensors belong to the model: not disposed here.
        Tensor a = state["h.0.attn.lora_v.lora_A.weight"];
        Tensor b = state["h.0.attn.lora_v.lora_B.weight"];
        using Tensor baseV = state["h.0.attn.qkv.weight"].narrow(0, 64, 32);
        using Tensor expectedV = baseV.add(b.matmul(a).mul(scale));
        using Tensor mergedV = merged["h.0.attn.qkv.weight"].narrow(0, 64, 32);
        Assert.True(mergedV.allclose(expectedV, rtol: 0, atol: 1e-6));
        using Tensor baseQ = state["h.0.attn.qkv.weight"].narrow(0, 0, 32);
        using Tensor lora_q_delta = state["h.0.attn.lora_q.lora_B.weight"].matmul(state["h.0.attn.lora_q.lora_A.weight"]).mul(scale);
        Assert.True(merged["h.0.attn.qkv.weight"].narrow(0, 0, 32).allclose(baseQ.add(lora_q_delta), rtol: 0, atol: 1e-6));
        // k has no adapter: its rows are the base's exactly.
        Assert.Equal(TinyModels.Values(state["h.0.attn.qkv.weight"].narrow(0, 32, 32)), TinyModels.Values(merged["h.0.attn.qkv.weight"].narrow(0, 32, 32)));

        using Gpt plain = TinyModels.Create(seed: 99);
        using (no_grad())
        {
            foreach ((string name, Tensor tensor) in plain.state_dict())
            {
                tensor.copy_(merged[name]);
            }
        }
        model.eval();
        plain.eval();
        using Tensor ids = tensor(new long[] { 1, 5, 9, 2, 7, 3 }, [1, 6]);
        using Tensor withAdapters = model.LmLogits(model.Hidden(ids));
        using Tensor mergedOut = plain.LmLogits(plain.Hidden(ids));
        Assert.True(withAdapters.allclose(mergedOut, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Rank_8_on_the_example_model_trains_under_5_percent_of_its_parameters()
    {
        // The arithmetic example's shape (experiments/arithmetic/arithmetic.exp).
        GptConfig example = new() { VocabSize = 256, Layers = 4, Dim = 128, Heads = 4, Context = 64 };
        using Gpt model = TinyModels.Create(config: example);
        long total = model.ParameterCount();

        model.AddLora(new LoraOptions(8, 16, 0.05, LoraOptions.DefaultTargets));
        long trainable = model.ParameterCount(trainableOnly: true);

        Assert.Equal(4 * 2 * (8 * 128 + 128 * 8), trainable);
        Assert.True((double)trainable / model.ParameterCount() < 0.05, $"{trainable} of {total}");
    }
}

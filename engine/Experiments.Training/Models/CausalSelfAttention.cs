using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Experiments.Training.Models;

/// <summary>
/// Multi-head causal self-attention with one fused QKV projection (one matmul instead of three)
/// and libtorch's fused scaled-dot-product attention. LoRA on q/k/v adds low-rank updates to the
/// matching slice of the fused projection.
/// </summary>
public sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // parameter names are the state-dict names
    private readonly Linear qkv;
    private readonly Linear o_proj;
    private readonly Dropout resid_dropout;
#pragma warning restore IDE1006
    private readonly int _heads;
    private readonly int _dim;
    private readonly double _attentionDropout;
    private LoraAdapter? _loraQ;
    private LoraAdapter? _loraK;
    private LoraAdapter? _loraV;
    private LoraAdapter? _loraO;

    public CausalSelfAttention(GptConfig config) : base(nameof(CausalSelfAttention))
    {
        _heads = config.Heads;
        _dim = config.Dim;
        _attentionDropout = config.Dropout;
        qkv = nn.Linear(config.Dim, 3 * config.Dim);
        o_proj = nn.Linear(config.Dim, config.Dim);
        resid_dropout = nn.Dropout(config.Dropout);
        RegisterComponents();
    }

    public Linear Qkv => qkv;

    public Linear OutProjection => o_proj;

    public void AddLora(LoraOptions options)
    {
        _loraQ = Adapter(options, "q_proj", "lora_q", _dim);
        _loraK = Adapter(options, "k_proj", "lora_k", _dim);
        _loraV = Adapter(options, "v_proj", "lora_v", _dim);
        _loraO = Adapter(options, "o_proj", "lora_o", _dim);
    }

    private LoraAdapter? Adapter(LoraOptions options, string target, string name, int outFeatures)
    {
        if (!options.Covers(target))
        {
            return null;
        }
        var adapter = new LoraAdapter(_dim, outFeatures, options.Rank, options.Alpha, options.Dropout);
        register_module(name, adapter);
        return adapter;
    }

    /// <summary>The fused projection's and the output projection's weights with every LoRA update merged in.</summary>
    public void MergeInto(IDictionary<string, Tensor> state, string prefix)
    {
        if (_loraQ is not null || _loraK is not null || _loraV is not null)
        {
            string key = prefix + "qkv.weight";
            Tensor merged = state[key].clone();
            (LoraAdapter? adapter, int slice)[] parts = [(_loraQ, 0), (_loraK, 1), (_loraV, 2)];
            foreach ((LoraAdapter? adapter, int slice) in parts)
            {
                if (adapter is null)
                {
                    continue;
                }
                using Tensor delta = adapter.DeltaWeight();
                using Tensor rows = merged.narrow(0, slice * _dim, _dim);
                rows.add_(delta);
            }
            state[key] = merged;
        }
        if (_loraO is not null)
        {
            string key = prefix + "o_proj.weight";
            using Tensor delta = _loraO.DeltaWeight();
            state[key] = state[key].add(delta);
        }
    }

    public override Tensor forward(Tensor input)
    {
        using DisposeScope scope = NewDisposeScope();
        long batch = input.shape[0];
        long time = input.shape[1];
        Tensor fused = qkv.forward(input);
        Tensor[] parts = fused.split(_dim, dim: 2);
        Tensor q = WithLora(parts[0], _loraQ, input);
        Tensor k = WithLora(parts[1], _loraK, input);
        Tensor v = WithLora(parts[2], _loraV, input);

        long headDim = _dim / _heads;
        q = q.view(batch, time, _heads, headDim).transpose(1, 2);
        k = k.view(batch, time, _heads, headDim).transpose(1, 2);
        v = v.view(batch, time, _heads, headDim).transpose(1, 2);
        Tensor attended = nn.functional.scaled_dot_product_attention(q, k, v, p: training ? _attentionDropout : 0.0, is_casual: true);
        Tensor merged = attended.transpose(1, 2).contiguous().view(batch, time, _dim);
        Tensor output = WithLora(o_proj.forward(merged), _loraO, merged);
        return resid_dropout.forward(output).MoveToOuterDisposeScope();
    }

    private static Tensor WithLora(Tensor projected, LoraAdapter? adapter, Tensor input) =>
        adapter is null ? projected : projected.add(adapter.forward(input));
}

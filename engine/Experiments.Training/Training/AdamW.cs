using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Experiments.Training.Training;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter) with decoupled weight decay applied only to matrices that are not
/// embeddings: biases, LayerNorm weights and embeddings are not decayed. Kept in-house, rather than
/// TorchSharp's optimizer, so its state (m, v, step) is plain named tensors that checkpoints save as
/// safetensors and restore bit for bit, and so one scratch buffer serves every update (no
/// allocation per step).
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly TrainingOptions _options;
    private readonly Slot[] _slots;
    private readonly Tensor _scratch;

    public AdamW(IEnumerable<(string Name, Parameter Parameter)> parameters, TrainingOptions options)
    {
        _options = options;
        _slots = parameters
            .Select(p => new Slot(p.Name, p.Parameter, Decays(p.Name, p.Parameter), zeros_like(p.Parameter), zeros_like(p.Parameter)))
            .ToArray();
        long largest = _slots.Length == 0 ? 1 : _slots.Max(s => s.Parameter.numel());
        _scratch = _slots.Length == 0 ? zeros(1) : zeros(largest, dtype: _slots[0].Parameter.dtype, device: _slots[0].Parameter.device);
    }

    /// <summary>Optimizer steps taken so far (Adam's t).</summary>
    public long Steps { get; private set; }

    public IEnumerable<Parameter> Parameters => _slots.Select(s => s.Parameter);

    /// <summary>Bytes of optimizer state (first and second moments).</summary>
    public long StateBytes => _slots.Sum(s => 2 * s.Parameter.numel() * s.Parameter.ElementSize);

    /// <summary>No decay for vectors (biases, norms) or embedding tables (HF's and nanoGPT's rule).</summary>
    public static bool Decays(string name, Parameter parameter) =>
        parameter.dim() >= 2 && !name.StartsWith("wte.", StringComparison.Ordinal) && !name.StartsWith("wpe.", StringComparison.Ordinal);

    public void Step(double learningRate)
    {
        Steps++;
        double correction1 = 1.0 - Math.Pow(_options.Beta1, Steps);
        double correction2 = 1.0 - Math.Pow(_options.Beta2, Steps);
        double stepSize = learningRate / correction1;
        double rootCorrection2 = Math.Sqrt(correction2);
        using (no_grad())
        {
            foreach (Slot slot in _slots)
            {
                Tensor? grad = slot.Parameter.grad;
                if (grad is null)
                {
                    continue;
                }
                if (slot.Decay && _options.WeightDecay > 0)
                {
                    slot.Parameter.mul_(1.0 - learningRate * _options.WeightDecay);
                }
                slot.M.mul_(_options.Beta1).add_(grad, alpha: 1.0 - _options.Beta1);
                slot.V.mul_(_options.Beta2).addcmul_(grad, grad, value: 1.0 - _options.Beta2);
                using Tensor flat = _scratch.narrow(0, 0, slot.Parameter.numel());
                using Tensor denominator = flat.view_as(slot.Parameter);
                denominator.copy_(slot.V).sqrt_().div_(rootCorrection2).add_(_options.Epsilon);
                slot.Parameter.addcdiv_(slot.M, denominator, value: -stepSize);
            }
        }
    }

    public void ZeroGrad()
    {
        foreach (Slot slot in _slots)
        {
            slot.Parameter.grad?.zero_();
        }
    }

    /// <summary>The moments as named tensors (<c>m.NAME</c>, <c>v.NAME</c>) for a checkpoint.</summary>
    public Dictionary<string, Tensor> State()
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (Slot slot in _slots)
        {
            state["m." + slot.Name] = slot.M;
            state["v." + slot.Name] = slot.V;
        }
        return state;
    }

    /// <summary>Restores moments and the step count written by <see cref="State"/>.</summary>
    public void Restore(IReadOnlyDictionary<string, Tensor> state, long steps)
    {
        using (no_grad())
        {
            foreach (Slot slot in _slots)
            {
                slot.M.copy_(Get(state, "m." + slot.Name, slot.M));
                slot.V.copy_(Get(state, "v." + slot.Name, slot.V));
            }
        }
        Steps = steps;
    }

    private static Tensor Get(IReadOnlyDictionary<string, Tensor> state, string name, Tensor like) =>
        state.TryGetValue(name, out Tensor? tensor) && tensor.shape.SequenceEqual(like.shape)
            ? tensor
            : throw new InvalidDataException($"the optimizer checkpoint has no tensor '{name}' of shape [{string.Join(", ", like.shape)}]");

    public void Dispose()
    {
        foreach (Slot slot in _slots)
        {
            slot.M.Dispose();
            slot.V.Dispose();
        }
        _scratch.Dispose();
    }

    private sealed record Slot(string Name, Parameter Parameter, bool Decay, Tensor M, Tensor V);
}

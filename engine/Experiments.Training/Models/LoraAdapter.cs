using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Experiments.Training.Models;

/// <summary>
/// A low-rank update beside a frozen linear layer (Hu et al., 2021): <c>delta(x) = B(A(dropout(x))) · alpha/r</c>.
/// A starts Kaiming-uniform and B at zero, as in PEFT, so training starts from the base model exactly.
/// </summary>
public sealed class LoraAdapter : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // parameter names follow PEFT's (lora_A, lora_B)
    private readonly Linear lora_A;
    private readonly Linear lora_B;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    public LoraAdapter(int inFeatures, int outFeatures, int rank, double alpha, double dropoutRate) : base(nameof(LoraAdapter))
    {
        lora_A = nn.Linear(inFeatures, rank, hasBias: false);
        lora_B = nn.Linear(rank, outFeatures, hasBias: false);
        dropout = nn.Dropout(dropoutRate);
        Rank = rank;
        Scaling = alpha / rank;
        using (no_grad())
        {
            nn.init.kaiming_uniform_(lora_A.weight, a: Math.Sqrt(5));
            nn.init.zeros_(lora_B.weight);
        }
        RegisterComponents();
    }

    public int Rank { get; }

    public double Scaling { get; }

    public override Tensor forward(Tensor input)
    {
        using Tensor dropped = dropout.forward(input);
        using Tensor down = lora_A.forward(dropped);
        using Tensor up = lora_B.forward(down);
        return up.mul(Scaling);
    }

    /// <summary><c>scaling · B·A</c>, the update to add to the base weight when merging.</summary>
    public Tensor DeltaWeight()
    {
        using Tensor product = lora_B.weight!.matmul(lora_A.weight!);
        return product.mul(Scaling);
    }
}

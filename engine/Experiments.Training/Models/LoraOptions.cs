namespace Experiments.Training.Models;

/// <summary>
/// Where and how to place LoRA adapters. Targets use the names practitioners know from PEFT:
/// <c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c> (slices of the fused attention projection),
/// <c>o_proj</c>, <c>up_proj</c>, <c>down_proj</c>.
/// </summary>
public sealed record LoraOptions(int Rank, double Alpha, double Dropout, IReadOnlyList<string> Targets)
{
    public static readonly IReadOnlyList<string> AllTargets = ["q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "down_proj"];

    public static readonly IReadOnlyList<string> DefaultTargets = ["q_proj", "v_proj"];

    public bool Covers(string name) => Targets.Contains(name, StringComparer.Ordinal);
}

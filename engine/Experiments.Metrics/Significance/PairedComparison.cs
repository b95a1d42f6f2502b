namespace Experiments.Metrics.Significance;

/// <summary>
/// The outcome of comparing system A with system B on the same examples:
/// <see cref="Delta"/> = metric(A) − metric(B), an interval for it (bootstrap only), and three
/// p-values — two-sided, and one-sided for "A is worse than B" (<see cref="PValueLess"/>, the
/// one a no-regression gate with A = candidate, B = baseline tests) and for "A is better".
/// </summary>
public sealed record PairedComparison(
    string Method,
    double Delta,
    double? CiLow,
    double? CiHigh,
    double PValue,
    double PValueLess,
    double PValueGreater,
    int N,
    int Iterations,
    long Seed)
{
    /// <summary>True when A is significantly worse than B at <paramref name="alpha"/> (one-sided).</summary>
    public bool Worse(double alpha) => PValueLess < alpha;

    /// <summary>True when A and B differ significantly at <paramref name="alpha"/> (two-sided).</summary>
    public bool Differs(double alpha) => PValue < alpha;
}

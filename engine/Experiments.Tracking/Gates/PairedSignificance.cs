using Experiments.Metrics.Significance;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Tracking.Gates;

/// <summary>
/// The one place gates and `exp diff` call a paired significance test: the metric library's
/// paired bootstrap over per-example scores (δ = mean(A) − mean(B), a percentile interval, and the
/// null-shifted one-sided p-value of "A is worse than B").
/// </summary>
public static class PairedSignificance
{
    public static PairedOutcome Compare(double[] a, double[] b, double confidence, int iterations, long seed)
    {
        PairedComparison comparison = PairedTests.Bootstrap(a, b, new BootstrapOptions { Iterations = iterations, Confidence = confidence, Seed = seed });
        return new PairedOutcome(comparison.Delta, comparison.CiLow ?? double.NaN, comparison.CiHigh ?? double.NaN, comparison.PValueLess, comparison.N);
    }
}

/// <summary>δ = mean(A) − mean(B), its interval, and p of "A is worse than B".</summary>
public sealed record PairedOutcome(double Delta, double Low, double High, double PWorse, int N);

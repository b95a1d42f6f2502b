using Experiments.Metrics.Special;

namespace Experiments.Metrics.Significance;

/// <summary>
/// McNemar's test for two classifiers on the same examples. Only the discordant pairs count:
/// <see cref="OnlyA"/> examples A got right and B wrong, <see cref="OnlyB"/> the reverse.
/// Exact (two-sided binomial on the discordant pairs, p = min(1, 2·P(X ≤ min(b, c))) for
/// X ~ Bin(b + c, ½)) when b + c &lt; 25, as statsmodels and mlxtend recommend; otherwise the χ²
/// statistic with Edwards' continuity correction, (|b − c| − 1)² / (b + c), on one degree of freedom.
/// </summary>
public sealed record McNemarResult(long OnlyA, long OnlyB, double Statistic, double PValue, string Method);

public static class McNemar
{
    /// <summary>Below this many discordant pairs the exact test is used.</summary>
    public const int ExactBelow = 25;

    public static McNemarResult Test(ReadOnlySpan<bool> aCorrect, ReadOnlySpan<bool> bCorrect, bool? exact = null)
    {
        if (aCorrect.Length != bCorrect.Length)
        {
            throw new ArgumentException($"paired systems need the same examples: {aCorrect.Length} against {bCorrect.Length}");
        }
        long onlyA = 0;
        long onlyB = 0;
        for (int i = 0; i < aCorrect.Length; i++)
        {
            if (aCorrect[i] && !bCorrect[i])
            {
                onlyA++;
            }
            else if (!aCorrect[i] && bCorrect[i])
            {
                onlyB++;
            }
        }
        return Test(onlyA, onlyB, exact);
    }

    public static McNemarResult Test(long onlyA, long onlyB, bool? exact = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(onlyA);
        ArgumentOutOfRangeException.ThrowIfNegative(onlyB);
        long discordant = onlyA + onlyB;
        if (exact ?? discordant < ExactBelow)
        {
            long smaller = Math.Min(onlyA, onlyB);
            double p = discordant == 0 ? 1 : Math.Min(1, 2 * SpecialFunctions.BinomialHalfCdf(smaller, discordant));
            return new McNemarResult(onlyA, onlyB, smaller, p, "exact");
        }
        double corrected = Math.Max(0, Math.Abs(onlyA - onlyB) - 1.0);
        double statistic = corrected * corrected / discordant;
        return new McNemarResult(onlyA, onlyB, statistic, SpecialFunctions.ChiSquareSurvival(statistic, 1), "chi2-corrected");
    }
}

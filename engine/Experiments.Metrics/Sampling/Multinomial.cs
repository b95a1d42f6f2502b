namespace Experiments.Metrics.Sampling;

/// <summary>
/// Multinomial(n, p) draws as a chain of conditional binomials: cell j gets
/// Binomial(n − drawn so far, p_j / mass left). The draw has exactly the distribution of the cell
/// counts of n indices sampled with replacement, at a cost of one binomial per cell.
/// </summary>
internal static class Multinomial
{
    /// <param name="probabilities">cell probabilities summing to 1 (largest first is most accurate).</param>
    /// <param name="counts">receives the draw; same length as <paramref name="probabilities"/>.</param>
    public static void Sample(ref Xoshiro random, long n, ReadOnlySpan<double> probabilities, Span<long> counts)
    {
        long left = n;
        double mass = 1;
        for (int j = 0; j < probabilities.Length; j++)
        {
            if (left == 0 || j == probabilities.Length - 1)
            {
                counts[j] = left;
                left = 0;
                continue;
            }
            double conditional = mass <= 0 ? 1 : Math.Min(1, probabilities[j] / mass);
            long drawn = Binomial.Sample(ref random, left, conditional);
            counts[j] = drawn;
            left -= drawn;
            mass -= probabilities[j];
        }
    }
}

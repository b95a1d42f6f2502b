using Experiments.Metrics.Sampling;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Significance;

/// <summary>
/// Significance of the difference between two systems scored on the same examples, for any
/// additive metric (see <see cref="SufficientStatistics"/>); plain per-example scores go through
/// <see cref="SufficientStatistics.Mean"/>.
/// <list type="bullet">
/// <item><b>Paired bootstrap</b> (Koehn 2004; Efron and Tibshirani's null-shifted p-value):
/// resample examples, recompute δ* = metric(A*) − metric(B*), and compare the centred replicates
/// δ* − δ̂ (the null distribution) with δ̂. p = (1 + #{centred at least as extreme}) / (B + 1).</item>
/// <item><b>Approximate randomisation</b> (Noreen 1989; Riezler and Maxwell 2005): under the null
/// the two systems' outputs are exchangeable per example, so swap each example's pair with
/// probability ½ and recompute δ. p = (1 + #{|δ_r| ≥ |δ̂|}) / (R + 1).</item>
/// </list>
/// Both collapse repeated rows into counts (one binomial draw per distinct pair of rows per
/// iteration), so accuracy comparisons over millions of examples cost microseconds per iteration.
/// </summary>
public static class PairedTests
{
    public static PairedComparison Bootstrap(SufficientStatistics a, SufficientStatistics b, BootstrapOptions? options = null)
    {
        options ??= BootstrapOptions.Default;
        SufficientStatistics difference = SufficientStatistics.Difference(a, b);
        double observed = difference.Value;
        double[] replicates = Uncertainty.Bootstrap.Replicates(difference, options);
        (double low, double high) = Uncertainty.Bootstrap.Percentile(replicates, options.Confidence);
        double[] centred = replicates.Where(r => !double.IsNaN(r)).Select(r => r - observed).ToArray();
        (double two, double less, double greater) = PValues(centred, observed);
        return new PairedComparison("paired-bootstrap", observed, low, high, two, less, greater, a.Count, options.Iterations, options.Seed);
    }

    /// <summary>Paired bootstrap on per-example scores (the mean of each system).</summary>
    public static PairedComparison Bootstrap(ReadOnlySpan<double> a, ReadOnlySpan<double> b, BootstrapOptions? options = null) =>
        Bootstrap(SufficientStatistics.Mean(a), SufficientStatistics.Mean(b), options);

    public static PairedComparison ApproximateRandomization(SufficientStatistics a, SufficientStatistics b, BootstrapOptions? options = null)
    {
        options ??= BootstrapOptions.Default;
        options.Validate();
        SufficientStatistics joint = SufficientStatistics.Difference(a, b);
        double observed = joint.Value;
        int wa = a.Width;
        int width = joint.Width;
        int n = joint.Count;
        StatisticFinalizer fa = a.Finalize;
        StatisticFinalizer fb = b.Finalize;

        // Sums of the unswapped systems; a swap of example i moves (b_i − a_i) from B's side to A's.
        var totals = new double[width];
        joint.Sum(totals);
        SufficientStatistics.DistinctRows? distinct = joint.Distinct(Uncertainty.Bootstrap.MaxDistinct(n));
        double[] rows = distinct?.Rows ?? Enumerable.Range(0, n).SelectMany(i => joint.Row(i).ToArray()).ToArray();
        long[] counts = distinct?.Counts ?? Enumerable.Repeat(1L, n).ToArray();
        int groups = counts.Length;

        var statistics = new double[options.Iterations];
        Parallel.For(0, options.Iterations, options.ParallelOptions(),
            () => new double[width],
            (r, _, sums) =>
            {
                var random = Xoshiro.ForStream(options.Seed, r);
                totals.CopyTo(sums, 0);
                for (int g = 0; g < groups; g++)
                {
                    long swapped = counts[g] == 1 ? (random.NextBool() ? 1 : 0) : Binomial.Sample(ref random, counts[g], 0.5);
                    if (swapped == 0)
                    {
                        continue;
                    }
                    ReadOnlySpan<double> row = rows.AsSpan(g * width, width);
                    for (int k = 0; k < wa; k++)
                    {
                        double move = (row[wa + k] - row[k]) * swapped;
                        sums[k] += move;
                        sums[wa + k] -= move;
                    }
                }
                statistics[r] = fa(sums.AsSpan(0, wa)) - fb(sums.AsSpan(wa));
                return sums;
            },
            _ => { });
        // The randomisation distribution is already centred on the null.
        (double two, double less, double greater) = PValues(statistics.Where(s => !double.IsNaN(s)).ToArray(), observed);
        return new PairedComparison("approximate-randomization", observed, null, null, two, less, greater, n, options.Iterations, options.Seed);
    }

    /// <summary>Approximate randomisation on per-example scores (the mean of each system).</summary>
    public static PairedComparison ApproximateRandomization(ReadOnlySpan<double> a, ReadOnlySpan<double> b, BootstrapOptions? options = null) =>
        ApproximateRandomization(SufficientStatistics.Mean(a), SufficientStatistics.Mean(b), options);

    /// <summary>
    /// Monte Carlo p-values of <paramref name="observed"/> against a null sample, counting ties as
    /// extreme (with a relative tolerance, since the same value computed two ways can differ in the
    /// last bit) and adding one to both counts so that p is never 0.
    /// </summary>
    internal static (double TwoSided, double Less, double Greater) PValues(double[] nulls, double observed)
    {
        double tolerance = 1e-12 * Math.Max(1, Math.Abs(observed));
        int extreme = 0;
        int below = 0;
        int above = 0;
        foreach (double s in nulls)
        {
            if (Math.Abs(s) >= Math.Abs(observed) - tolerance)
            {
                extreme++;
            }
            if (s <= observed + tolerance)
            {
                below++;
            }
            if (s >= observed - tolerance)
            {
                above++;
            }
        }
        double total = nulls.Length + 1;
        return ((extreme + 1) / total, (below + 1) / total, (above + 1) / total);
    }
}

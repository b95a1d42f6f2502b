using Experiments.Metrics.Sampling;

namespace Experiments.Metrics.Uncertainty;

/// <summary>A metric computed with integer multiplicities per example (weights[i] copies of example i).</summary>
public delegate double WeightedMetric(ReadOnlySpan<int> weights);

/// <summary>
/// Percentile bootstrap intervals (Efron): resample the examples with replacement
/// <see cref="BootstrapOptions.Iterations"/> times, recompute the metric, and take the
/// (1 − c)/2 and (1 + c)/2 quantiles of the replicates (linear interpolation between order
/// statistics, NumPy's default). Replicates that are undefined (NaN, e.g. an AUC on a resample
/// with one class) are left out of the quantiles.
/// </summary>
public static class Bootstrap
{
    /// <summary>The metric's value with a percentile interval.</summary>
    public static MetricEstimate Estimate(SufficientStatistics statistics, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        options ??= BootstrapOptions.Default;
        double[] replicates = Replicates(statistics, options);
        return FromReplicates(statistics.Value, replicates, statistics.Count, options);
    }

    /// <summary>The metric's value with a percentile interval, for metrics that are not additive (AUC, average precision).</summary>
    public static MetricEstimate Estimate(int count, WeightedMetric metric, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(metric);
        options ??= BootstrapOptions.Default;
        var ones = new int[count];
        Array.Fill(ones, 1);
        double value = metric(ones);
        double[] replicates = Replicates(count, metric, options);
        return FromReplicates(value, replicates, count, options);
    }

    /// <summary>Builds the estimate from replicates already drawn.</summary>
    public static MetricEstimate FromReplicates(double value, double[] replicates, long n, BootstrapOptions options)
    {
        (double low, double high) = Percentile(replicates, options.Confidence);
        return new MetricEstimate(value, low, high, n, IntervalMethods.BootstrapPercentile)
        {
            Confidence = options.Confidence,
            Iterations = options.Iterations,
            Seed = options.Seed,
            StandardError = StandardDeviation(replicates),
        };
    }

    /// <summary>
    /// The bootstrap replicates of an additive metric. When the rows take few distinct values the
    /// resample is drawn as multinomial counts of those values (exactly the distribution of index
    /// resampling, at the cost of one binomial per distinct row); otherwise n indices are drawn.
    /// </summary>
    public static double[] Replicates(SufficientStatistics statistics, BootstrapOptions options)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        options.Validate();
        int n = statistics.Count;
        var replicates = new double[options.Iterations];
        if (n == 0)
        {
            Array.Fill(replicates, double.NaN);
            return replicates;
        }
        int width = statistics.Width;
        SufficientStatistics.DistinctRows? distinct = statistics.Distinct(MaxDistinct(n));
        if (distinct is not null)
        {
            double[] probabilities = distinct.Counts.Select(c => (double)c / n).ToArray();
            Parallel.For(0, options.Iterations, options.ParallelOptions(),
                () => (Sums: new double[width], Counts: new long[probabilities.Length]),
                (b, _, buffers) =>
                {
                    var random = Xoshiro.ForStream(options.Seed, b);
                    Multinomial.Sample(ref random, n, probabilities, buffers.Counts);
                    Array.Clear(buffers.Sums);
                    for (int j = 0; j < buffers.Counts.Length; j++)
                    {
                        if (buffers.Counts[j] != 0)
                        {
                            SufficientStatistics.Add(buffers.Sums, distinct.Rows.AsSpan(j * width, width), buffers.Counts[j]);
                        }
                    }
                    replicates[b] = statistics.Finalize(buffers.Sums);
                    return buffers;
                },
                _ => { });
        }
        else
        {
            Parallel.For(0, options.Iterations, options.ParallelOptions(),
                () => new double[width],
                (b, _, sums) =>
                {
                    var random = Xoshiro.ForStream(options.Seed, b);
                    Array.Clear(sums);
                    for (int i = 0; i < n; i++)
                    {
                        SufficientStatistics.Add(sums, statistics.Row(random.NextInt(n)), 1);
                    }
                    replicates[b] = statistics.Finalize(sums);
                    return sums;
                },
                _ => { });
        }
        return replicates;
    }

    /// <summary>The bootstrap replicates of any metric that accepts per-example multiplicities.</summary>
    public static double[] Replicates(int count, WeightedMetric metric, BootstrapOptions options)
    {
        ArgumentNullException.ThrowIfNull(metric);
        options.Validate();
        var replicates = new double[options.Iterations];
        Parallel.For(0, options.Iterations, options.ParallelOptions(),
            () => new int[count],
            (b, _, weights) =>
            {
                var random = Xoshiro.ForStream(options.Seed, b);
                Array.Clear(weights);
                for (int i = 0; i < count; i++)
                {
                    weights[random.NextInt(count)]++;
                }
                replicates[b] = count == 0 ? double.NaN : metric(weights);
                return weights;
            },
            _ => { });
        return replicates;
    }

    /// <summary>
    /// The (1 − c)/2 and (1 + c)/2 quantiles of the defined replicates, interpolated linearly
    /// between order statistics; (NaN, NaN) when none is defined.
    /// </summary>
    public static (double Low, double High) Percentile(IEnumerable<double> replicates, double confidence)
    {
        double[] sorted = replicates.Where(r => !double.IsNaN(r)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return (double.NaN, double.NaN);
        }
        double tail = (1 - confidence) / 2;
        return (Quantile(sorted, tail), Quantile(sorted, 1 - tail));
    }

    /// <summary>NumPy's default ("linear") quantile of sorted values.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        double position = q * (sorted.Count - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Count - 1);
        double fraction = position - below;
        return sorted[below] + ((sorted[above] - sorted[below]) * fraction);
    }

    /// <summary>Counting distinct rows pays off while there are far fewer of them than examples.</summary>
    internal static int MaxDistinct(int n) => Math.Max(1, Math.Min(4096, n / 4));

    private static double? StandardDeviation(double[] replicates)
    {
        double[] defined = replicates.Where(r => !double.IsNaN(r)).ToArray();
        if (defined.Length < 2)
        {
            return null;
        }
        double mean = defined.Average();
        return Math.Sqrt(defined.Sum(r => (r - mean) * (r - mean)) / (defined.Length - 1));
    }
}

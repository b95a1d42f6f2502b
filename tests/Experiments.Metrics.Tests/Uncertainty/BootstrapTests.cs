using Experiments.Metrics.Classification;
using Experiments.Metrics.Sampling;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Tests.Uncertainty;

public sealed class BootstrapTests
{
    private static bool[] Outcomes(int n, double p, long seed)
    {
        var random = new Xoshiro(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextDouble() < p).ToArray();
    }

    [Fact]
    public void The_same_seed_gives_the_same_replicates_whatever_the_number_of_threads()
    {
        SufficientStatistics accuracy = SufficientStatistics.Proportion(Outcomes(5000, 0.7, 1));
        SufficientStatistics scores = SufficientStatistics.Mean(Enumerable.Range(0, 3000).Select(i => Math.Sin(i) * i).ToArray());
        foreach (SufficientStatistics statistics in new[] { accuracy, scores })
        {
            double[] one = Bootstrap.Replicates(statistics, new BootstrapOptions { Seed = 9, Iterations = 300, Parallelism = 1 });
            double[] many = Bootstrap.Replicates(statistics, new BootstrapOptions { Seed = 9, Iterations = 300, Parallelism = 4 });
            double[] other = Bootstrap.Replicates(statistics, new BootstrapOptions { Seed = 10, Iterations = 300 });
            Assert.Equal(one, many);
            Assert.NotEqual(one, other);
        }
    }

    [Fact]
    public void Counting_distinct_rows_resamples_with_the_distribution_of_drawing_indices()
    {
        // Same data through the multinomial path (a proportion) and the index path (a weighted metric).
        bool[] outcomes = Outcomes(400, 0.35, 2);
        var options = new BootstrapOptions { Iterations = 8000, Seed = 3 };
        double[] counted = Bootstrap.Replicates(SufficientStatistics.Proportion(outcomes), options);
        double[] drawn = Bootstrap.Replicates(outcomes.Length, weights =>
        {
            double hits = 0;
            for (int i = 0; i < outcomes.Length; i++)
            {
                hits += outcomes[i] ? weights[i] : 0;
            }
            return hits / outcomes.Length;
        }, options);
        Assert.Equal(counted.Average(), drawn.Average(), 0.002);
        Assert.Equal(Std(counted), Std(drawn), 0.002);
        foreach (double q in new[] { 0.025, 0.5, 0.975 })
        {
            Assert.Equal(Bootstrap.Quantile(counted.Order().ToArray(), q), Bootstrap.Quantile(drawn.Order().ToArray(), q), 0.006);
        }
    }

    [Fact]
    public void The_accuracy_interval_matches_the_wilson_interval_on_a_large_sample()
    {
        bool[] outcomes = Outcomes(20000, 0.81, 4);
        MetricEstimate bootstrap = Bootstrap.Estimate(SufficientStatistics.Proportion(outcomes), new BootstrapOptions { Iterations = 4000 });
        MetricEstimate wilson = ProportionIntervals.Wilson(outcomes.Count(o => o), outcomes.Length);
        Assert.Equal(wilson.Value, bootstrap.Value, 12);
        Assert.Equal(wilson.CiLow!.Value, bootstrap.CiLow!.Value, 0.002);
        Assert.Equal(wilson.CiHigh!.Value, bootstrap.CiHigh!.Value, 0.002);
        Assert.Equal(IntervalMethods.BootstrapPercentile, bootstrap.Method);
        Assert.Equal(20000, bootstrap.N);
    }

    [Fact]
    public void Percentile_intervals_cover_the_true_accuracy_about_95_percent_of_the_time()
    {
        const double truth = 0.3;
        int covered = 0;
        const int trials = 400;
        for (int t = 0; t < trials; t++)
        {
            MetricEstimate e = Bootstrap.Estimate(SufficientStatistics.Proportion(Outcomes(300, truth, 1000 + t)), new BootstrapOptions { Seed = t, Iterations = 1000 });
            covered += e.CiLow <= truth && truth <= e.CiHigh ? 1 : 0;
        }
        double coverage = (double)covered / trials;
        Assert.InRange(coverage, 0.91, 0.985);
    }

    [Fact]
    public void Non_additive_metrics_bootstrap_through_weights_and_undefined_replicates_are_dropped()
    {
        var random = new Xoshiro(5);
        bool[] labels = Enumerable.Range(0, 60).Select(i => i < 3).ToArray(); // 3 positives: some resamples have none
        double[] scores = labels.Select(l => (l ? 0.4 : 0) + random.NextDouble()).ToArray();
        var curve = new RankingCurve(labels, scores);
        double[] replicates = Bootstrap.Replicates(labels.Length, w => curve.RocAuc(w), new BootstrapOptions { Iterations = 500 });
        Assert.Contains(replicates, double.IsNaN);
        MetricEstimate estimate = Bootstrap.Estimate(labels.Length, w => curve.RocAuc(w), new BootstrapOptions { Iterations = 500 });
        Assert.False(double.IsNaN(estimate.CiLow!.Value));
        Assert.InRange(estimate.Value, estimate.CiLow!.Value, estimate.CiHigh!.Value);
    }

    [Theory]
    [InlineData(10, 0.3)]
    [InlineData(1000, 0.004)]
    [InlineData(1000, 0.5)]
    [InlineData(1_000_000, 0.81)]
    [InlineData(50, 0.97)]
    public void Binomial_draws_have_the_right_mean_and_variance(long n, double p)
    {
        var random = new Xoshiro(n);
        const int draws = 40000;
        double sum = 0, squares = 0;
        for (int i = 0; i < draws; i++)
        {
            long x = Binomial.Sample(ref random, n, p);
            Assert.InRange(x, 0, n);
            sum += x;
            squares += (double)x * x;
        }
        double mean = sum / draws;
        double variance = (squares / draws) - (mean * mean);
        double expectedVariance = n * p * (1 - p);
        // Means within 5 standard errors; variances within 5%.
        Assert.InRange(mean, (n * p) - (5 * Math.Sqrt(expectedVariance / draws)), (n * p) + (5 * Math.Sqrt(expectedVariance / draws)));
        Assert.InRange(variance, expectedVariance * 0.95, expectedVariance * 1.05);
    }

    [Fact]
    public void Multinomial_draws_add_up_to_n()
    {
        var random = new Xoshiro(6);
        double[] p = [0.5, 0.3, 0.15, 0.05];
        var counts = new long[4];
        var totals = new double[4];
        for (int i = 0; i < 5000; i++)
        {
            Multinomial.Sample(ref random, 1000, p, counts);
            Assert.Equal(1000, counts.Sum());
            for (int j = 0; j < 4; j++)
            {
                totals[j] += counts[j];
            }
        }
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(p[j], totals[j] / 5000 / 1000, 0.002);
        }
    }

    private static double Std(double[] values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}

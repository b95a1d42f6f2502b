using Experiments.Metrics.Sampling;
using Experiments.Metrics.Significance;
using Experiments.Metrics.Uncertainty;
using Xunit.Abstractions;

namespace Experiments.Metrics.Tests.Significance;

/// <summary>
/// "A significance test of a system against itself never rejects at α = 0.05 more than about 5%
/// of the time", measured: over many seeds, two runs of the same system (the same accuracy, errors
/// drawn independently per example, as two seeds of one configuration give) are compared, and
/// the share of rejections is counted. The bound is 5% plus three binomial standard errors of the
/// measured rate; a floor above zero makes sure the test can reject at all (a test that never
/// rejects would pass the bound trivially).
/// </summary>
public sealed class FalseRejectionTests(ITestOutputHelper output)
{
    private const int Seeds = 400;
    private const int Examples = 300;
    private const double Alpha = 0.05;
    private static readonly double s_upper = Alpha + (3 * Math.Sqrt(Alpha * (1 - Alpha) / Seeds));

    private static (bool[] A, bool[] B) SameSystemTwice(int seed, double accuracy = 0.7)
    {
        var random = Xoshiro.ForStream(77, seed);
        var a = new bool[Examples];
        var b = new bool[Examples];
        for (int i = 0; i < Examples; i++)
        {
            a[i] = random.NextDouble() < accuracy;
            b[i] = random.NextDouble() < accuracy;
        }
        return (a, b);
    }

    private static double[] Scores(bool[] outcomes) => outcomes.Select(o => o ? 1.0 : 0.0).ToArray();

    private double Rate(string name, Func<int, bool> rejects)
    {
        int rejections = Enumerable.Range(0, Seeds).Count(rejects);
        double rate = (double)rejections / Seeds;
        output.WriteLine($"{name}: {rejections} of {Seeds} seeds rejected at alpha {Alpha} (rate {rate:F4}, bound {s_upper:F4})");
        return rate;
    }

    [Fact]
    public void Paired_bootstrap_rejects_a_system_against_itself_about_5_percent_of_the_time()
    {
        double rate = Rate("paired bootstrap", seed =>
        {
            (bool[] a, bool[] b) = SameSystemTwice(seed);
            return PairedTests.Bootstrap(Scores(a), Scores(b), new BootstrapOptions { Seed = seed, Iterations = 1000 }).Differs(Alpha);
        });
        Assert.InRange(rate, 0.005, s_upper);
    }

    [Fact]
    public void Approximate_randomization_rejects_a_system_against_itself_about_5_percent_of_the_time()
    {
        double rate = Rate("approximate randomisation", seed =>
        {
            (bool[] a, bool[] b) = SameSystemTwice(seed);
            return PairedTests.ApproximateRandomization(Scores(a), Scores(b), new BootstrapOptions { Seed = seed, Iterations = 1000 }).Differs(Alpha);
        });
        Assert.InRange(rate, 0.005, s_upper);
    }

    [Fact]
    public void Mcnemar_rejects_a_system_against_itself_at_most_about_5_percent_of_the_time()
    {
        double rate = Rate("McNemar", seed =>
        {
            (bool[] a, bool[] b) = SameSystemTwice(seed);
            return McNemar.Test(a, b).PValue < Alpha;
        });
        Assert.InRange(rate, 0.005, s_upper);
    }

    [Fact]
    public void One_sided_regression_check_flags_an_equal_system_at_most_about_5_percent_of_the_time()
    {
        double rate = Rate("paired bootstrap, one-sided (candidate worse)", seed =>
        {
            (bool[] a, bool[] b) = SameSystemTwice(seed);
            return PairedTests.Bootstrap(Scores(a), Scores(b), new BootstrapOptions { Seed = seed, Iterations = 1000 }).Worse(Alpha);
        });
        Assert.InRange(rate, 0.005, s_upper);
    }

    [Fact]
    public void Welch_rejects_equal_configurations_across_seeds_about_5_percent_of_the_time()
    {
        double rate = Rate("Welch t-test over 5 seeds a side", seed =>
        {
            var random = Xoshiro.ForStream(91, seed);
            double[] a = Enumerable.Range(0, 5).Select(_ => 0.8 + (0.02 * Normal(ref random))).ToArray();
            double[] b = Enumerable.Range(0, 5).Select(_ => 0.8 + (0.02 * Normal(ref random))).ToArray();
            return WelchTTest.Test(a, b).PValue < Alpha;
        });
        Assert.InRange(rate, 0.005, s_upper);
    }

    [Fact]
    public void Identical_outputs_are_never_significantly_different()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            (bool[] a, _) = SameSystemTwice(seed);
            double[] scores = Scores(a);
            Assert.Equal(1, PairedTests.Bootstrap(scores, scores, new BootstrapOptions { Seed = seed, Iterations = 200 }).PValue);
            Assert.Equal(1, PairedTests.ApproximateRandomization(scores, scores, new BootstrapOptions { Seed = seed, Iterations = 200 }).PValue);
            Assert.Equal(1, McNemar.Test(a, a).PValue);
        }
    }

    [Fact]
    public void A_real_difference_is_detected()
    {
        int detected = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            (bool[] a, _) = SameSystemTwice(seed, accuracy: 0.6);
            (_, bool[] b) = SameSystemTwice(seed + 1000, accuracy: 0.8);
            PairedComparison comparison = PairedTests.Bootstrap(Scores(a), Scores(b), new BootstrapOptions { Seed = seed });
            detected += comparison.Worse(Alpha) && comparison.Delta < 0 ? 1 : 0;
        }
        Assert.True(detected >= 38, $"only {detected} of 40 detected a 20-point drop on {Examples} examples");
    }

    private static double Normal(ref Xoshiro random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

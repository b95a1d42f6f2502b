using Experiments.Metrics.Classification;
using Experiments.Metrics.Significance;
using Experiments.Metrics.Text;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Tests.Classification;

/// <summary>Metrics without a Python reference here, checked on cases worked out by hand.</summary>
public sealed class SmallCaseTests
{
    [Fact]
    public void Expected_calibration_error_by_hand()
    {
        // Two bins: (0, 0.5] holds 0.2 (wrong) and 0.4 (right): accuracy 0.5, confidence 0.3 → gap 0.2, weight 2/5.
        // (0.5, 1] holds 0.6, 0.8 (right) and 1.0 (wrong): accuracy 2/3, confidence 0.8 → gap 2/15, weight 3/5.
        double ece = Calibration.ExpectedCalibrationError([0.2, 0.4, 0.6, 0.8, 1.0], [false, true, true, true, false], bins: 2);
        Assert.Equal((0.2 * 2 / 5) + (2.0 / 15 * 3 / 5), ece, 12);
        Assert.Equal(0, Calibration.Bin(0.0, 10));
        Assert.Equal(0, Calibration.Bin(0.1, 10));
        Assert.Equal(9, Calibration.Bin(1.0, 10));
        Assert.Equal(0, Calibration.ExpectedCalibrationError([1.0, 1.0], [true, true]));
    }

    [Fact]
    public void Perplexity_by_hand()
    {
        Assert.Equal(4, Perplexity.FromTokens([Math.Log(0.25), Math.Log(0.25)]), 12);
        // Sequence-level statistics: (ln 1/2 + ln 1/8) over 2 tokens and ln 1/4 over 1 → exp(−(ln 1/64)/3) = 4.
        Assert.Equal(4, Perplexity.Statistics([Math.Log(1.0 / 16), Math.Log(0.25)], [2, 1]).Value, 12);
    }

    [Theory]
    [InlineData("The Cat!", "cat", true)]
    [InlineData("an  apple", "Apple.", true)]
    [InlineData("the theory", "theory", true)]
    [InlineData("theatre", "atre", false)]
    [InlineData("Paris, France", "paris france", true)]
    [InlineData("1,000", "1000", true)]
    public void Exact_match_uses_the_squad_normalisation(string prediction, string reference, bool matches) =>
        Assert.Equal(matches, ExactMatch.Matches(prediction, [reference]));

    [Fact]
    public void Mcnemar_switches_from_exact_to_corrected_chi_square_at_25_discordant_pairs()
    {
        McNemarResult exact = McNemar.Test(3, 10);
        Assert.Equal("exact", exact.Method);
        Assert.Equal(2 * (1 + 13 + 78 + 286) / 8192.0, exact.PValue, 12); // 2·P(X ≤ 3), X ~ Bin(13, ½)
        McNemarResult chi2 = McNemar.Test(10, 30);
        Assert.Equal("chi2-corrected", chi2.Method);
        Assert.Equal(19.0 * 19 / 40, chi2.Statistic, 12);
    }

    [Fact]
    public void K_fold_aggregation_reports_mean_sample_std_and_a_t_interval()
    {
        FoldSummary summary = KFold.Aggregate([0.80, 0.82, 0.78, 0.81, 0.79]);
        Assert.Equal(0.80, summary.Mean, 12);
        Assert.Equal(Math.Sqrt(0.001 / 4), summary.StandardDeviation, 12);
        double half = 2.7764451051977987 * summary.StandardDeviation / Math.Sqrt(5); // t(0.975, 4)
        Assert.Equal(0.80 - half, summary.CiLow, 9);
        Assert.Equal(0.80 + half, summary.CiHigh, 9);
        Assert.Equal("student-t", summary.ToEstimate().Method);
    }

    [Fact]
    public void Wilson_and_normal_intervals_by_hand()
    {
        MetricEstimate normal = ProportionIntervals.Normal(80, 100);
        Assert.Equal(0.8 - (1.959963984540054 * 0.04), normal.CiLow!.Value, 9);
        MetricEstimate wilson = ProportionIntervals.Wilson(0, 10);
        Assert.Equal(0, wilson.CiLow!.Value);
        Assert.True(wilson.CiHigh > 0.2); // the Wald interval would be [0, 0]
    }

    [Fact]
    public void Bleu_sufficient_statistics_reproduce_the_corpus_score_and_bootstrap()
    {
        string[] hyps = ["the cat sat on the mat", "a dog runs", "it is a guide to action"];
        IReadOnlyList<IReadOnlyList<string>> refs = [["the cat sat on a mat"], ["the dog runs"], ["it is a guide to action"]];
        SufficientStatistics statistics = SacreBleu.Statistics(hyps, refs);
        Assert.Equal(SacreBleu.Corpus(hyps, refs).Score, statistics.Value, 12);
        MetricEstimate estimate = Bootstrap.Estimate(statistics, new BootstrapOptions { Iterations = 200 });
        Assert.True(estimate.CiLow <= estimate.CiHigh);
    }

    [Fact]
    public void Paired_accuracy_comparison_on_a_million_examples_is_fast_and_exact_in_its_point_estimate()
    {
        var random = new Sampling.Xoshiro(3);
        var a = new bool[1_000_000];
        var b = new bool[1_000_000];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = random.NextDouble() < 0.80;
            b[i] = random.NextDouble() < 0.79;
        }
        PairedComparison comparison = PairedTests.Bootstrap(SufficientStatistics.Proportion(a), SufficientStatistics.Proportion(b));
        Assert.Equal((a.Count(x => x) - b.Count(x => x)) / 1e6, comparison.Delta, 12);
        Assert.True(comparison.Differs(0.05));
    }
}

using Experiments.Metrics.Fairness;
using Experiments.Metrics.Sampling;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Tests.Fairness;

public sealed class FairnessTests
{
    // Group a: y = 1 1 0 0, ŷ = 1 0 1 0 → TP 1, FN 1, FP 1, TN 1: selection 2/4, TPR 1/2, FPR 1/2, precision 1/2.
    // Group b: y = 1 1 1 0, ŷ = 1 1 1 1 → TP 3, FP 1:          selection 4/4, TPR 1,   FPR 1,   precision 3/4.
    private static readonly bool[] s_truth = [true, true, false, false, true, true, true, false];
    private static readonly bool[] s_decisions = [true, false, true, false, true, true, true, true];
    private static readonly string[] s_groups = ["a", "a", "a", "a", "b", "b", "b", "b"];

    [Fact]
    public void Hand_computed_case()
    {
        IReadOnlyList<GroupRates> rates = GroupStatistics.Create(s_truth, s_decisions, s_groups).Rates();
        Assert.Equal(["a", "b"], rates.Select(r => r.Group));
        Assert.Equal(0.5, rates[0].SelectionRate);
        Assert.Equal(1.0, rates[1].SelectionRate);
        Assert.Equal(0.5, FairnessMetrics.DemographicParityDifference(rates), 12);
        Assert.Equal(0.5, FairnessMetrics.DemographicParityRatio(rates), 12);
        Assert.Equal(0.5, FairnessMetrics.EqualOpportunityDifference(rates), 12);
        Assert.Equal(0.5, FairnessMetrics.EqualizedOddsDifference(rates), 12);       // max(TPR 0.5, FPR 0.5)
        Assert.Equal(0.5, FairnessMetrics.EqualizedOddsRatio(rates), 12);            // min(0.5/1, 0.5/1)
        Assert.Equal(0.25, FairnessMetrics.PredictiveParityDifference(rates), 12);   // 3/4 − 1/2
        Assert.Equal(0.25, FairnessMetrics.AccuracyDifference(rates), 12);           // 3/4 − 2/4
    }

    [Fact]
    public void A_group_without_positives_has_no_true_positive_rate_and_is_left_out_of_equal_opportunity()
    {
        bool[] truth = [true, false, false, false];
        bool[] decisions = [true, true, false, false];
        string[] groups = ["a", "a", "b", "b"];
        IReadOnlyList<GroupRates> rates = GroupStatistics.Create(truth, decisions, groups).Rates();
        Assert.True(double.IsNaN(rates[1].TruePositiveRate));
        Assert.Equal(0, FairnessMetrics.EqualOpportunityDifference(rates));
        Assert.Equal(1.0, FairnessMetrics.EqualizedOddsDifference(rates)); // FPR: a 1/1, b 0/2
    }

    /// <summary>Fairlearn's definitions, written out directly over the raw arrays.</summary>
    private static class FairlearnStyle
    {
        public static double Rate(bool[] y, bool[] yHat, string[] g, string group, Func<bool, bool> condition) =>
            Enumerable.Range(0, y.Length).Where(i => g[i] == group && condition(y[i])).Select(i => yHat[i] ? 1.0 : 0.0).DefaultIfEmpty(double.NaN).Average();

        public static double PositivePredictive(bool[] y, bool[] yHat, string[] g, string group) =>
            Enumerable.Range(0, y.Length).Where(i => g[i] == group && yHat[i]).Select(i => y[i] ? 1.0 : 0.0).DefaultIfEmpty(double.NaN).Average();

        public static double Spread(IEnumerable<double> values)
        {
            double[] v = values.Where(x => !double.IsNaN(x)).ToArray();
            return v.Length == 0 ? double.NaN : v.Max() - v.Min();
        }

        public static double Ratio(IEnumerable<double> values)
        {
            double[] v = values.Where(x => !double.IsNaN(x)).ToArray();
            return v.Length == 0 ? double.NaN : v.Max() == 0 ? 1 : v.Min() / v.Max();
        }
    }

    [Fact]
    public void Agrees_with_fairlearn_style_definitions_on_random_data_with_intersections()
    {
        var random = new Xoshiro(8);
        for (int trial = 0; trial < 200; trial++)
        {
            int n = 1 + random.NextInt(120);
            string[] sex = Enumerable.Range(0, n).Select(_ => random.NextBool() ? "female" : "male").ToArray();
            string[] age = Enumerable.Range(0, n).Select(_ => random.NextInt(3) switch { 0 => "young", 1 => "middle", _ => "old" }).ToArray();
            string[] groups = trial % 2 == 0 ? sex : GroupStatistics.Intersect(sex, age);
            bool[] y = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.4).ToArray();
            bool[] yHat = y.Select((t, i) => random.NextDouble() < (t ? 0.7 : 0.2) + (groups[i].StartsWith('f') ? 0.1 : 0)).ToArray();
            string[] names = groups.Distinct().ToArray();

            IReadOnlyList<GroupRates> rates = GroupStatistics.Create(y, yHat, groups).Rates();
            double[] selection = names.Select(g => FairlearnStyle.Rate(y, yHat, groups, g, _ => true)).ToArray();
            double[] tpr = names.Select(g => FairlearnStyle.Rate(y, yHat, groups, g, t => t)).ToArray();
            double[] fpr = names.Select(g => FairlearnStyle.Rate(y, yHat, groups, g, t => !t)).ToArray();
            double[] ppv = names.Select(g => FairlearnStyle.PositivePredictive(y, yHat, groups, g)).ToArray();

            AssertClose(FairlearnStyle.Spread(selection), FairnessMetrics.DemographicParityDifference(rates), trial);
            AssertClose(FairlearnStyle.Ratio(selection), FairnessMetrics.DemographicParityRatio(rates), trial);
            AssertClose(FairlearnStyle.Spread(tpr), FairnessMetrics.EqualOpportunityDifference(rates), trial);
            AssertClose(Math.Max(FairlearnStyle.Spread(tpr), FairlearnStyle.Spread(fpr)), FairnessMetrics.EqualizedOddsDifference(rates), trial);
            AssertClose(Math.Min(FairlearnStyle.Ratio(tpr), FairlearnStyle.Ratio(fpr)), FairnessMetrics.EqualizedOddsRatio(rates), trial);
            AssertClose(FairlearnStyle.Spread(ppv), FairnessMetrics.PredictiveParityDifference(rates), trial);
        }
    }

    private static void AssertClose(double expected, double actual, int trial) =>
        Assert.True((double.IsNaN(expected) && double.IsNaN(actual)) || Math.Abs(expected - actual) < 1e-12, $"trial {trial}: expected {expected}, got {actual}");

    [Fact]
    public void Fairness_metrics_bootstrap_over_the_encoded_cells()
    {
        var random = new Xoshiro(12);
        int n = 2000;
        string[] groups = Enumerable.Range(0, n).Select(_ => random.NextBool() ? "a" : "b").ToArray();
        bool[] y = Enumerable.Range(0, n).Select(_ => random.NextBool()).ToArray();
        bool[] yHat = y.Select((t, i) => random.NextDouble() < (groups[i] == "a" ? 0.6 : 0.4)).ToArray();
        GroupStatistics statistics = GroupStatistics.Create(y, yHat, groups);
        MetricEstimate dp = Bootstrap.Estimate(statistics.Statistics, new BootstrapOptions { Iterations = 500 });
        MetricEstimate eo = Bootstrap.Estimate(statistics.For(FairnessMetrics.EqualOpportunityDifference), new BootstrapOptions { Iterations = 500 });
        Assert.InRange(dp.Value, dp.CiLow!.Value, dp.CiHigh!.Value);
        Assert.InRange(dp.Value, 0.15, 0.25);
        Assert.InRange(eo.CiLow!.Value, 0.1, eo.Value);
    }

    [Fact]
    public void Gender_swaps_go_both_ways_keep_case_and_count_what_they_changed()
    {
        CounterfactualSwaps swaps = CounterfactualSwaps.BuiltIn("gender");
        Assert.Contains("gender", CounterfactualSwaps.BuiltInNames);
        (string text, int swapped) = swaps.Apply("He told her that HIS brother met John.");
        Assert.Equal("She told him that HER sister met Mary.", text);
        Assert.Equal(5, swapped);
        Assert.Equal(("The weather is nice.", 0), swaps.Apply("The weather is nice."));
        Assert.Equal("the mother and the father", swaps.Apply("the father and the mother").Text);
    }

    [Fact]
    public void A_malformed_swap_list_is_reported_with_its_line()
    {
        FormatException e = Assert.Throws<FormatException>(() => CounterfactualSwaps.Parse("custom", "# ok\nhe\tshe\nbroken line\n"));
        Assert.Contains("custom:3", e.Message);
    }

    [Fact]
    public void Flip_rate_is_the_share_of_pairs_whose_prediction_changed()
    {
        Assert.Equal(0.25, Counterfactual.FlipRate(["pos", "neg", "pos", "pos"], ["pos", "neg", "neg", "pos"]));
        MetricEstimate e = Bootstrap.Estimate(Counterfactual.Statistics(Enumerable.Repeat("a", 100).ToList(), Enumerable.Repeat("a", 100).ToList()));
        Assert.Equal((0.0, 0.0, 0.0), (e.Value, e.CiLow!.Value, e.CiHigh!.Value));
    }
}

using Experiments.Metrics.Documents;
using Experiments.Metrics.Fairness;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Reports;

/// <summary>
/// What an audit step needs in one call: the named fairness metrics over one attribute (or the
/// intersection of two), each with its bootstrap interval, and per group its size and Wilson
/// intervals for the rates, as a metrics document. Names (the DSL's short forms in brackets):
/// <c>demographic_parity_difference</c> [<c>demographic_parity</c>], <c>demographic_parity_ratio</c>,
/// <c>equal_opportunity_difference</c> [<c>equal_opportunity</c>], <c>equalized_odds_difference</c>
/// [<c>equalized_odds</c>], <c>equalized_odds_ratio</c>, <c>predictive_parity_difference</c>
/// [<c>predictive_parity</c>], <c>accuracy_difference</c>; plus <c>counterfactual_flip_rate</c> when
/// counterfactual predictions are given.
/// </summary>
public static class FairnessReport
{
    private static readonly Dictionary<string, string> s_aliases = new(StringComparer.Ordinal)
    {
        ["demographic_parity"] = "demographic_parity_difference",
        ["equal_opportunity"] = "equal_opportunity_difference",
        ["equalized_odds"] = "equalized_odds_difference",
        ["predictive_parity"] = "predictive_parity_difference",
    };

    public static IReadOnlyList<string> Names { get; } = [.. FairnessMetrics.ByName.Keys, .. s_aliases.Keys, "counterfactual_flip_rate"];

    /// <param name="attribute">the attribute's name in the document's <c>groups</c>.</param>
    /// <param name="counterfactual">predictions on the original and the swapped input of each pair whose text changed.</param>
    public static MetricsDocument Audit(
        bool[] yTrue, bool[] yPred, IReadOnlyList<string> groups, string attribute, IEnumerable<string> metrics,
        BootstrapOptions? options = null, (IReadOnlyList<string> Original, IReadOnlyList<string> Swapped)? counterfactual = null)
    {
        string[] names = metrics.ToArray();
        MetricNames.Check(names, Names, "fairness");
        options ??= BootstrapOptions.Default;
        GroupStatistics statistics = GroupStatistics.Create(yTrue, yPred, groups);
        var document = new MetricsDocument { Groups = new(StringComparer.Ordinal) { [attribute] = PerGroup(statistics, options.Confidence) } };
        foreach (string name in names)
        {
            if (name == "counterfactual_flip_rate")
            {
                (IReadOnlyList<string> original, IReadOnlyList<string> swapped) = counterfactual
                    ?? throw new ArgumentException("`counterfactual_flip_rate` needs counterfactual predictions");
                document.Metrics[name] = Bootstrap.Estimate(Counterfactual.Statistics(original, swapped), options);
                continue;
            }
            string canonical = s_aliases.GetValueOrDefault(name, name);
            document.Metrics[name] = Bootstrap.Estimate(statistics.For(FairnessMetrics.ByName[canonical]), options);
        }
        return document;
    }

    private static SortedDictionary<string, GroupEntry> PerGroup(GroupStatistics statistics, double confidence)
    {
        var entries = new SortedDictionary<string, GroupEntry>(StringComparer.Ordinal);
        foreach (GroupRates rates in statistics.Rates())
        {
            long tp = (long)rates.TruePositives, fp = (long)rates.FalsePositives, fn = (long)rates.FalseNegatives, tn = (long)rates.TrueNegatives;
            entries[rates.Group] = new GroupEntry((long)rates.Count, new SortedDictionary<string, MetricEstimate>(StringComparer.Ordinal)
            {
                ["selection_rate"] = ProportionIntervals.Wilson(tp + fp, tp + fp + fn + tn, confidence),
                ["true_positive_rate"] = ProportionIntervals.Wilson(tp, tp + fn, confidence),
                ["false_positive_rate"] = ProportionIntervals.Wilson(fp, fp + tn, confidence),
                ["precision"] = ProportionIntervals.Wilson(tp, tp + fp, confidence),
                ["accuracy"] = ProportionIntervals.Wilson(tp + tn, tp + fp + fn + tn, confidence),
            });
        }
        return entries;
    }
}

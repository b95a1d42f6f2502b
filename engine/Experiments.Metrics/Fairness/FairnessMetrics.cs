namespace Experiments.Metrics.Fairness;

/// <summary>
/// Group fairness for a binary decision, with Fairlearn's definitions (fairlearn.metrics):
/// a difference is the largest minus the smallest group value, a ratio the smallest over the
/// largest. Groups where the compared rate is undefined (no positives for a true-positive rate,
/// say) are left out, as pandas' max/min skip NaN; with fewer than one defined group the result
/// is NaN. A ratio whose largest value is 0 (every group at 0) is 1: the groups are equal.
/// </summary>
public static class FairnessMetrics
{
    /// <summary>max − min selection rate.</summary>
    public static double DemographicParityDifference(IReadOnlyList<GroupRates> groups) => Difference(groups, g => g.SelectionRate);

    /// <summary>min / max selection rate.</summary>
    public static double DemographicParityRatio(IReadOnlyList<GroupRates> groups) => Ratio(groups, g => g.SelectionRate);

    /// <summary>max − min true-positive rate (Hardt et al. 2016's equal opportunity).</summary>
    public static double EqualOpportunityDifference(IReadOnlyList<GroupRates> groups) => Difference(groups, g => g.TruePositiveRate);

    /// <summary>The larger of the true-positive-rate and false-positive-rate differences.</summary>
    public static double EqualizedOddsDifference(IReadOnlyList<GroupRates> groups) =>
        Math.Max(Difference(groups, g => g.TruePositiveRate), Difference(groups, g => g.FalsePositiveRate));

    /// <summary>The smaller of the true-positive-rate and false-positive-rate ratios.</summary>
    public static double EqualizedOddsRatio(IReadOnlyList<GroupRates> groups) =>
        Math.Min(Ratio(groups, g => g.TruePositiveRate), Ratio(groups, g => g.FalsePositiveRate));

    /// <summary>max − min precision (positive predictive value) across groups.</summary>
    public static double PredictiveParityDifference(IReadOnlyList<GroupRates> groups) => Difference(groups, g => g.Precision);

    /// <summary>max − min accuracy across groups.</summary>
    public static double AccuracyDifference(IReadOnlyList<GroupRates> groups) => Difference(groups, g => g.Accuracy);

    /// <summary>The named fairness metrics the audit step reports, by their document names.</summary>
    public static IReadOnlyDictionary<string, Func<IReadOnlyList<GroupRates>, double>> ByName { get; } =
        new Dictionary<string, Func<IReadOnlyList<GroupRates>, double>>(StringComparer.Ordinal)
        {
            ["demographic_parity_difference"] = DemographicParityDifference,
            ["demographic_parity_ratio"] = DemographicParityRatio,
            ["equal_opportunity_difference"] = EqualOpportunityDifference,
            ["equalized_odds_difference"] = EqualizedOddsDifference,
            ["equalized_odds_ratio"] = EqualizedOddsRatio,
            ["predictive_parity_difference"] = PredictiveParityDifference,
            ["accuracy_difference"] = AccuracyDifference,
        };

    public static double Difference(IReadOnlyList<GroupRates> groups, Func<GroupRates, double> rate)
    {
        double[] values = Defined(groups, rate);
        return values.Length == 0 ? double.NaN : values.Max() - values.Min();
    }

    public static double Ratio(IReadOnlyList<GroupRates> groups, Func<GroupRates, double> rate)
    {
        double[] values = Defined(groups, rate);
        if (values.Length == 0)
        {
            return double.NaN;
        }
        double max = values.Max();
        return max == 0 ? 1 : values.Min() / max;
    }

    private static double[] Defined(IReadOnlyList<GroupRates> groups, Func<GroupRates, double> rate) =>
        groups.Select(rate).Where(v => !double.IsNaN(v)).ToArray();
}

namespace Experiments.Metrics.Fairness;

/// <summary>
/// One group's confusion counts for a binary decision and the rates fairness definitions
/// compare. Rates with an empty denominator are NaN (undefined), not 0, so that a group without
/// positives does not pretend to have a true-positive rate of 0.
/// </summary>
public sealed record GroupRates(string Group, double TruePositives, double FalsePositives, double FalseNegatives, double TrueNegatives)
{
    public double Count => TruePositives + FalsePositives + FalseNegatives + TrueNegatives;

    /// <summary>P(ŷ = 1): what demographic parity compares.</summary>
    public double SelectionRate => Divide(TruePositives + FalsePositives, Count);

    /// <summary>P(y = 1).</summary>
    public double BaseRate => Divide(TruePositives + FalseNegatives, Count);

    /// <summary>P(ŷ = 1 | y = 1): what equal opportunity compares.</summary>
    public double TruePositiveRate => Divide(TruePositives, TruePositives + FalseNegatives);

    /// <summary>P(ŷ = 1 | y = 0).</summary>
    public double FalsePositiveRate => Divide(FalsePositives, FalsePositives + TrueNegatives);

    /// <summary>P(y = 1 | ŷ = 1): what predictive parity compares.</summary>
    public double Precision => Divide(TruePositives, TruePositives + FalsePositives);

    public double Accuracy => Divide(TruePositives + TrueNegatives, Count);

    private static double Divide(double numerator, double denominator) => denominator == 0 ? double.NaN : numerator / denominator;
}

namespace Experiments.Metrics.Classification;

/// <summary>
/// Per-class true positives, predicted counts and true counts (support), from which precision,
/// recall and F-scores follow. Laid out as the sums of <see cref="ClassificationStatistics"/>:
/// [tp_0..tp_{C−1}, predicted_0.., actual_0..], so the same code scores a sample and a bootstrap
/// resample.
/// </summary>
public readonly ref struct ClassCounts
{
    private readonly ReadOnlySpan<double> _sums;

    public ClassCounts(ReadOnlySpan<double> sums, int classes)
    {
        _sums = sums;
        Classes = classes;
    }

    public int Classes { get; }

    public double TruePositives(int c) => _sums[c];

    public double Predicted(int c) => _sums[Classes + c];

    public double Actual(int c) => _sums[(2 * Classes) + c];

    public double Total
    {
        get
        {
            double total = 0;
            for (int c = 0; c < Classes; c++)
            {
                total += Actual(c);
            }
            return total;
        }
    }

    public double Accuracy()
    {
        double correct = 0;
        for (int c = 0; c < Classes; c++)
        {
            correct += TruePositives(c);
        }
        double total = Total;
        return total == 0 ? double.NaN : correct / total;
    }

    /// <summary>tp / predicted, 0 when nothing was predicted (scikit-learn's zero_division=0).</summary>
    public double Precision(int c) => Divide(TruePositives(c), Predicted(c));

    /// <summary>tp / actual, 0 when the class never occurs.</summary>
    public double Recall(int c) => Divide(TruePositives(c), Actual(c));

    public double FScore(int c, double beta = 1) => FScore(Precision(c), Recall(c), beta);

    /// <summary>Averaged precision; <paramref name="positive"/> is the class index for <see cref="Averaging.Binary"/>.</summary>
    public double Precision(Averaging averaging, int positive = 1) =>
        Average(averaging, positive, (counts, c) => counts.Precision(c), static (tp, predicted, _) => Divide(tp, predicted));

    public double Recall(Averaging averaging, int positive = 1) =>
        Average(averaging, positive, (counts, c) => counts.Recall(c), static (tp, _, actual) => Divide(tp, actual));

    public double FScore(Averaging averaging, int positive = 1, double beta = 1) =>
        Average(averaging, positive, (counts, c) => counts.FScore(c, beta),
            (tp, predicted, actual) => FScore(Divide(tp, predicted), Divide(tp, actual), beta));

    private delegate double PerClass(ClassCounts counts, int c);

    private double Average(Averaging averaging, int positive, PerClass perClass, Func<double, double, double, double> fromTotals)
    {
        switch (averaging)
        {
            case Averaging.Binary:
                return perClass(this, positive);
            case Averaging.Micro:
                double tp = 0, predicted = 0, actual = 0;
                for (int c = 0; c < Classes; c++)
                {
                    tp += TruePositives(c);
                    predicted += Predicted(c);
                    actual += Actual(c);
                }
                return fromTotals(tp, predicted, actual);
            case Averaging.Macro:
                double sum = 0;
                for (int c = 0; c < Classes; c++)
                {
                    sum += perClass(this, c);
                }
                return Classes == 0 ? double.NaN : sum / Classes;
            case Averaging.Weighted:
                double weighted = 0, weights = 0;
                for (int c = 0; c < Classes; c++)
                {
                    weighted += perClass(this, c) * Actual(c);
                    weights += Actual(c);
                }
                return weights == 0 ? 0 : weighted / weights;
            default:
                throw new ArgumentOutOfRangeException(nameof(averaging), averaging, null);
        }
    }

    /// <summary>scikit-learn's form: (1 + β²)·p·r / (β²·p + r), 0 when the denominator is 0.</summary>
    internal static double FScore(double precision, double recall, double beta)
    {
        double beta2 = beta * beta;
        double denominator = (beta2 * precision) + recall;
        return denominator == 0 ? 0 : (1 + beta2) * precision * recall / denominator;
    }

    private static double Divide(double numerator, double denominator) => denominator == 0 ? 0 : numerator / denominator;
}

namespace Experiments.Metrics.Classification;

/// <summary>
/// Point estimates with scikit-learn's definitions (zero_division = 0). Each is a shortcut over
/// <see cref="ClassificationStatistics"/>, which also gives their bootstrap intervals.
/// </summary>
public static class ClassificationMetrics
{
    public static double Accuracy(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred)
    {
        ConfusionMatrix.CheckLengths(yTrue.Length, yPred.Length);
        if (yTrue.Length == 0)
        {
            return double.NaN;
        }
        long correct = 0;
        for (int i = 0; i < yTrue.Length; i++)
        {
            if (yTrue[i] == yPred[i])
            {
                correct++;
            }
        }
        return (double)correct / yTrue.Length;
    }

    public static double Precision(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, Averaging averaging = Averaging.Binary, int positiveLabel = 1) =>
        Score(yTrue, yPred, averaging, positiveLabel, static (counts, positive, a) => counts.Precision(a, positive));

    public static double Recall(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, Averaging averaging = Averaging.Binary, int positiveLabel = 1) =>
        Score(yTrue, yPred, averaging, positiveLabel, static (counts, positive, a) => counts.Recall(a, positive));

    public static double F1(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, Averaging averaging = Averaging.Binary, int positiveLabel = 1) =>
        Score(yTrue, yPred, averaging, positiveLabel, static (counts, positive, a) => counts.FScore(a, positive));

    /// <summary>Per class, in the order of <see cref="ClassificationStatistics.Labels"/>: (precision, recall, F1, support).</summary>
    public static IReadOnlyList<ClassScores> PerClass(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, IReadOnlyList<int>? labels = null)
    {
        var statistics = ClassificationStatistics.Create(yTrue, yPred, labels);
        var sums = new double[statistics.Statistics.Width];
        statistics.Statistics.Sum(sums);
        var counts = new ClassCounts(sums, statistics.Classes);
        var result = new ClassScores[statistics.Classes];
        for (int c = 0; c < statistics.Classes; c++)
        {
            result[c] = new ClassScores(statistics.Labels[c], counts.Precision(c), counts.Recall(c), counts.FScore(c), (long)counts.Actual(c));
        }
        return result;
    }

    private delegate double CountsScore(ClassCounts counts, int positive, Averaging averaging);

    private static double Score(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, Averaging averaging, int positiveLabel, CountsScore score)
    {
        // Binary averaging always knows both classes, even when a sample holds only one of them.
        IReadOnlyList<int>? labels = averaging == Averaging.Binary ? BinaryLabels(yTrue, yPred, positiveLabel) : null;
        var statistics = ClassificationStatistics.Create(yTrue, yPred, labels);
        int positive = averaging == Averaging.Binary ? statistics.IndexOf(positiveLabel) : 0;
        return statistics.Evaluate(counts => score(counts, positive, averaging));
    }

    private static int[] BinaryLabels(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, int positiveLabel)
    {
        int[] present = ConfusionMatrix.Union(yTrue, yPred);
        if (present.Length > 2)
        {
            throw new ArgumentException($"binary averaging needs at most two classes; found [{string.Join(", ", present)}]");
        }
        return present.Append(positiveLabel).Distinct().Order().ToArray();
    }
}

/// <summary>One class's precision, recall, F1 and support.</summary>
public sealed record ClassScores(int Label, double Precision, double Recall, double F1, long Support);

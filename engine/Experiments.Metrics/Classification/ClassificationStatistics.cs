using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Classification;

/// <summary>
/// Labels and predictions as <see cref="SufficientStatistics"/>: one table row per
/// (true class, predicted class) cell holding that cell's contribution to
/// [tp per class, predicted per class, actual per class], and per example the index of its cell.
/// Accuracy, precision, recall and F1 (any averaging) are finalizers over the same sums, so
/// their bootstrap costs one binomial draw per occupied confusion cell per iteration.
/// </summary>
public sealed class ClassificationStatistics
{
    private ClassificationStatistics(int[] labels, SufficientStatistics statistics)
    {
        Labels = labels;
        Statistics = statistics;
    }

    /// <summary>The classes, in the order of the per-class sums.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>The encoded examples; finalizer: accuracy.</summary>
    public SufficientStatistics Statistics { get; }

    public int Classes => Labels.Count;

    public static ClassificationStatistics Create(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, IReadOnlyList<int>? labels = null)
    {
        ConfusionMatrix.CheckLengths(yTrue.Length, yPred.Length);
        int[] classes = labels?.ToArray() ?? ConfusionMatrix.Union(yTrue, yPred);
        int c = classes.Length;
        var position = new Dictionary<int, int>();
        for (int i = 0; i < c; i++)
        {
            position[classes[i]] = i;
        }
        int width = 3 * c;
        var table = new double[c * c * width];
        for (int t = 0; t < c; t++)
        {
            for (int p = 0; p < c; p++)
            {
                Span<double> row = table.AsSpan(((t * c) + p) * width, width);
                row[c + p] = 1;
                row[(2 * c) + t] = 1;
                if (t == p)
                {
                    row[t] = 1;
                }
            }
        }
        var ids = new int[yTrue.Length];
        for (int i = 0; i < yTrue.Length; i++)
        {
            if (!position.TryGetValue(yTrue[i], out int t) || !position.TryGetValue(yPred[i], out int p))
            {
                throw new ArgumentException($"example {i} has a label outside the label list ({yTrue[i]} → {yPred[i]})");
            }
            ids[i] = (t * c) + p;
        }
        SufficientStatistics statistics = SufficientStatistics.FromTable(width, table, ids, sums => new ClassCounts(sums, c).Accuracy());
        return new ClassificationStatistics(classes, statistics);
    }

    /// <summary>The statistics with another metric over the class counts.</summary>
    public SufficientStatistics For(ClassCountsMetric metric)
    {
        int c = Classes;
        return Statistics.WithFinalizer(sums => metric(new ClassCounts(sums, c)));
    }

    /// <summary>Counts over all examples.</summary>
    public double Evaluate(ClassCountsMetric metric)
    {
        var sums = new double[Statistics.Width];
        Statistics.Sum(sums);
        return metric(new ClassCounts(sums, Classes));
    }

    /// <summary>The index of <paramref name="label"/> among <see cref="Labels"/> (for binary averaging).</summary>
    public int IndexOf(int label)
    {
        for (int i = 0; i < Labels.Count; i++)
        {
            if (Labels[i] == label)
            {
                return i;
            }
        }
        throw new ArgumentException($"label {label} is not among the classes [{string.Join(", ", Labels)}]");
    }
}

/// <summary>A metric over class counts (see <see cref="ClassCounts"/>).</summary>
public delegate double ClassCountsMetric(ClassCounts counts);

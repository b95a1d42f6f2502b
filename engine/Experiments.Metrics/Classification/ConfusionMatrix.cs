namespace Experiments.Metrics.Classification;

/// <summary>
/// Counts of (true label, predicted label) pairs: <c>Counts[i][j]</c> examples of class
/// <c>Labels[i]</c> were predicted as <c>Labels[j]</c> (scikit-learn's orientation). Without an
/// explicit label list the labels are the sorted union of both arrays, as in
/// <c>sklearn.metrics.confusion_matrix</c>.
/// </summary>
public sealed class ConfusionMatrix
{
    private ConfusionMatrix(int[] labels, long[][] counts)
    {
        Labels = labels;
        Counts = counts;
    }

    public IReadOnlyList<int> Labels { get; }

    public IReadOnlyList<IReadOnlyList<long>> Counts { get; }

    public long Total => Counts.Sum(row => row.Sum());

    public static ConfusionMatrix Compute(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, IReadOnlyList<int>? labels = null)
    {
        CheckLengths(yTrue.Length, yPred.Length);
        int[] classes = labels?.ToArray() ?? Union(yTrue, yPred);
        var position = new Dictionary<int, int>();
        for (int i = 0; i < classes.Length; i++)
        {
            if (!position.TryAdd(classes[i], i))
            {
                throw new ArgumentException($"label {classes[i]} is listed twice", nameof(labels));
            }
        }
        var counts = new long[classes.Length][];
        for (int i = 0; i < classes.Length; i++)
        {
            counts[i] = new long[classes.Length];
        }
        for (int i = 0; i < yTrue.Length; i++)
        {
            // Like scikit-learn, pairs with a label outside an explicit list are not counted.
            if (position.TryGetValue(yTrue[i], out int t) && position.TryGetValue(yPred[i], out int p))
            {
                counts[t][p]++;
            }
        }
        return new ConfusionMatrix(classes, counts);
    }

    internal static int[] Union(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var set = new SortedSet<int>();
        foreach (int x in a)
        {
            set.Add(x);
        }
        foreach (int x in b)
        {
            set.Add(x);
        }
        return set.ToArray();
    }

    internal static void CheckLengths(int trueCount, int predictedCount)
    {
        if (trueCount != predictedCount)
        {
            throw new ArgumentException($"{trueCount} true labels but {predictedCount} predictions");
        }
    }
}

using Experiments.Metrics.Classification;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Reports;

/// <summary>
/// What an evaluate step of a classifier needs in one call: the named metrics, each with its
/// bootstrap interval, and the per-example scores for the predictions file. Names:
/// <c>accuracy</c>; <c>precision</c>, <c>recall</c>, <c>f1</c> (binary with positive label 1 when
/// every label is 0 or 1, else macro); the same with <c>_macro</c>, <c>_micro</c>,
/// <c>_weighted</c>; <c>auc</c> and <c>average_precision</c> (need scores for label 1);
/// <c>ece</c> (needs confidences, or binary scores from which max(p, 1 − p) is taken).
/// </summary>
public static class ClassificationReport
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "accuracy", "precision", "recall", "f1", "precision_macro", "recall_macro", "f1_macro",
        "precision_micro", "recall_micro", "f1_micro", "precision_weighted", "recall_weighted", "f1_weighted",
        "auc", "average_precision", "ece",
    ];

    /// <param name="positiveScores">per example, the score (probability) of label 1; for auc, average_precision, ece.</param>
    /// <param name="confidences">per example, the probability of the predicted label; for ece (multi-class).</param>
    public static SortedDictionary<string, MetricEstimate> Evaluate(
        int[] yTrue, int[] yPred, IEnumerable<string> metrics, BootstrapOptions? options = null,
        double[]? positiveScores = null, double[]? confidences = null)
    {
        string[] names = metrics.ToArray();
        MetricNames.Check(names, Names, "classification");
        options ??= BootstrapOptions.Default;
        var statistics = ClassificationStatistics.Create(yTrue, yPred);
        bool binary = statistics.Labels.All(l => l is 0 or 1);
        int positive = binary && statistics.Labels.Contains(1) ? statistics.IndexOf(1) : -1;
        var result = new SortedDictionary<string, MetricEstimate>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            result[name] = name switch
            {
                "accuracy" => Bootstrap.Estimate(statistics.Statistics, options),
                "auc" => Ranked(yTrue, positiveScores, name, (curve, w) => curve.RocAuc(w), options),
                "average_precision" => Ranked(yTrue, positiveScores, name, (curve, w) => curve.AveragePrecision(w), options),
                "ece" => Bootstrap.Estimate(Calibration.Statistics(Confidences(yPred, positiveScores, confidences), Correct(yTrue, yPred)), options),
                _ => Bootstrap.Estimate(statistics.For(CountsMetric(name, binary, positive)), options),
            };
        }
        return result;
    }

    /// <summary>Per-example contributions for the predictions file: accuracy (1/0).</summary>
    public static IReadOnlyDictionary<string, double[]> PerExample(int[] yTrue, int[] yPred) =>
        new Dictionary<string, double[]>(StringComparer.Ordinal) { ["accuracy"] = yTrue.Select((t, i) => t == yPred[i] ? 1.0 : 0.0).ToArray() };

    private static ClassCountsMetric CountsMetric(string name, bool binary, int positive)
    {
        string[] parts = name.Split('_');
        Averaging averaging = parts.Length == 1
            ? (binary && positive >= 0 ? Averaging.Binary : Averaging.Macro)
            : Enum.Parse<Averaging>(parts[1], ignoreCase: true);
        return parts[0] switch
        {
            "precision" => counts => counts.Precision(averaging, positive),
            "recall" => counts => counts.Recall(averaging, positive),
            _ => counts => counts.FScore(averaging, positive),
        };
    }

    private static MetricEstimate Ranked(int[] yTrue, double[]? scores, string name, Func<RankingCurve, ReadOnlySpan<int>, double> metric, BootstrapOptions options)
    {
        if (scores is null)
        {
            throw new ArgumentException($"`{name}` needs a score per example (the probability of label 1)");
        }
        var curve = new RankingCurve(yTrue.Select(t => t == 1).ToArray(), scores);
        return Bootstrap.Estimate(yTrue.Length, weights => metric(curve, weights), options);
    }

    private static double[] Confidences(int[] yPred, double[]? positiveScores, double[]? confidences) =>
        confidences
        ?? positiveScores?.Select(p => Math.Max(p, 1 - p)).ToArray()
        ?? throw new ArgumentException("`ece` needs confidences (the probability of each predicted label) or binary scores");

    private static bool[] Correct(int[] yTrue, int[] yPred) => yTrue.Select((t, i) => t == yPred[i]).ToArray();
}

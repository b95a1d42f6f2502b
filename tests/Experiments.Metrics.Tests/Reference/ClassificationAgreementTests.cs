using Experiments.Metrics.Classification;

namespace Experiments.Metrics.Tests.Reference;

/// <summary>
/// Classification metrics against scikit-learn on hundreds of seeded cases: accuracy, precision /
/// recall / F1 with every averaging, per class, confusion matrices (exact), ROC-AUC and average
/// precision with ties and sample weights.
/// </summary>
public sealed class ClassificationAgreementTests(ClassificationAgreementTests.Cases cases) : IClassFixture<ClassificationAgreementTests.Cases>
{
    public sealed record LabelCase(int[] True, int[] Predicted, int Classes);

    public sealed record ScoreCase(int[] Labels, double[] Scores, int[]? Weights);

    /// <summary>All cases and one batched reference run.</summary>
    public sealed class Cases
    {
        public List<LabelCase> Labels { get; } = [];

        public List<ScoreCase> Scores { get; } = [];

        public ReferenceOracle Oracle { get; }

        public static readonly string[] Averages = ["binary", "macro", "micro", "weighted"];

        public Cases()
        {
            var generate = new CaseGenerator(20261128);
            for (int i = 0; i < 120; i++)
            {
                int classes = generate.Int(2, 6);
                int n = generate.Pick([1, 2, 5, 20, 60, 200]);
                (int[] truth, int[] predicted) = generate.Labels(n, classes, generate.Double());
                Labels.Add(new LabelCase(truth, predicted, classes));
            }
            for (int i = 0; i < 120; i++)
            {
                (int[] labels, double[] scores) = generate.Scored(generate.Pick([5, 20, 100, 400]), generate.Double(), generate.Pick([1, 2, 6]));
                if (labels.Distinct().Count() < 2)
                {
                    labels[0] = 1 - labels[0];
                }
                int[]? weights = i % 3 == 0 ? labels.Select(_ => generate.Int(0, 4)).ToArray() : null;
                if (weights is not null)
                {
                    // Keep both classes weighted in, or AUC is undefined.
                    weights[Array.IndexOf(labels, 0)] += 1;
                    weights[Array.IndexOf(labels, 1)] += 1;
                }
                Scores.Add(new ScoreCase(labels, scores, weights));
            }

            var requests = new List<object>();
            foreach (LabelCase c in Labels)
            {
                requests.Add(new { op = "accuracy", y_true = c.True, y_pred = c.Predicted });
                requests.Add(new { op = "confusion", y_true = c.True, y_pred = c.Predicted });
                requests.Add(new { op = "prf_per_class", y_true = c.True, y_pred = c.Predicted });
                foreach (string average in Averages)
                {
                    requests.Add(c.Classes == 2 || average != "binary"
                        ? new { op = "prf", y_true = c.True, y_pred = c.Predicted, average }
                        : new { op = "accuracy", y_true = c.True, y_pred = c.Predicted });
                }
            }
            foreach (ScoreCase c in Scores)
            {
                requests.Add(new { op = "roc_auc", y_true = c.Labels, scores = c.Scores, weights = c.Weights });
                requests.Add(new { op = "average_precision", y_true = c.Labels, scores = c.Scores, weights = c.Weights });
            }
            Oracle = ReferenceOracle.Run(requests, "sklearn");
        }
    }

    private const int PerLabelCase = 7;

    [SkippableFact]
    public void Accuracy_precision_recall_and_f1_agree_with_scikit_learn_for_every_averaging()
    {
        cases.Oracle.RequireAvailable();
        var batch = new Agreement.Batch();
        for (int i = 0; i < cases.Labels.Count; i++)
        {
            LabelCase c = cases.Labels[i];
            int at = i * PerLabelCase;
            batch.Close(cases.Oracle.Number(at), ClassificationMetrics.Accuracy(c.True, c.Predicted), $"case {i} accuracy");
            for (int a = 0; a < Cases.Averages.Length; a++)
            {
                if (c.Classes != 2 && a == 0)
                {
                    continue;
                }
                var averaging = (Averaging)a;
                double[] expected = cases.Oracle.Numbers(at + 3 + a);
                batch.Close(expected[0], ClassificationMetrics.Precision(c.True, c.Predicted, averaging), $"case {i} precision {averaging}");
                batch.Close(expected[1], ClassificationMetrics.Recall(c.True, c.Predicted, averaging), $"case {i} recall {averaging}");
                batch.Close(expected[2], ClassificationMetrics.F1(c.True, c.Predicted, averaging), $"case {i} f1 {averaging}");
            }
        }
        batch.Assert(minimumChecks: 1000);
    }

    [SkippableFact]
    public void Per_class_scores_and_confusion_matrices_agree_with_scikit_learn()
    {
        cases.Oracle.RequireAvailable();
        var batch = new Agreement.Batch();
        for (int i = 0; i < cases.Labels.Count; i++)
        {
            LabelCase c = cases.Labels[i];
            int at = i * PerLabelCase;
            long[][] expectedMatrix = cases.Oracle.Result(at + 1).AsArray().Select(row => row!.AsArray().Select(x => x!.GetValue<long>()).ToArray()).ToArray();
            ConfusionMatrix matrix = ConfusionMatrix.Compute(c.True, c.Predicted);
            batch.Equal(string.Join(";", expectedMatrix.Select(r => string.Join(",", r))), string.Join(";", matrix.Counts.Select(r => string.Join(",", r))), $"case {i} confusion matrix");

            var perClass = cases.Oracle.Result(at + 2);
            IReadOnlyList<ClassScores> ours = ClassificationMetrics.PerClass(c.True, c.Predicted);
            int[] labels = perClass["labels"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray();
            batch.Equal(string.Join(",", labels), string.Join(",", ours.Select(s => s.Label)), $"case {i} labels");
            for (int k = 0; k < Math.Min(labels.Length, ours.Count); k++)
            {
                batch.Close(perClass["precision"]![k]!.GetValue<double>(), ours[k].Precision, $"case {i} class {labels[k]} precision");
                batch.Close(perClass["recall"]![k]!.GetValue<double>(), ours[k].Recall, $"case {i} class {labels[k]} recall");
                batch.Close(perClass["f1"]![k]!.GetValue<double>(), ours[k].F1, $"case {i} class {labels[k]} f1");
                batch.Equal(perClass["support"]![k]!.GetValue<long>(), ours[k].Support, $"case {i} class {labels[k]} support");
            }
        }
        batch.Assert(minimumChecks: 1000);
    }

    [SkippableFact]
    public void Roc_auc_and_average_precision_agree_with_scikit_learn_with_ties_and_weights()
    {
        cases.Oracle.RequireAvailable();
        int offset = cases.Labels.Count * PerLabelCase;
        var batch = new Agreement.Batch();
        for (int i = 0; i < cases.Scores.Count; i++)
        {
            ScoreCase c = cases.Scores[i];
            var curve = new RankingCurve(c.Labels.Select(l => l == 1).ToArray(), c.Scores);
            ReadOnlySpan<int> weights = c.Weights ?? default(ReadOnlySpan<int>);
            batch.Close(cases.Oracle.Number(offset + (2 * i)), curve.RocAuc(weights), $"case {i} roc_auc");
            batch.Close(cases.Oracle.Number(offset + (2 * i) + 1), curve.AveragePrecision(weights), $"case {i} average_precision");
        }
        batch.Assert(minimumChecks: 240);
    }
}

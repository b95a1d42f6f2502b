using Experiments.Metrics.Classification;
using Experiments.Metrics.Documents;
using Experiments.Metrics.Reports;
using Experiments.Metrics.Sampling;
using Experiments.Metrics.Text;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Tests.Reports;

/// <summary>The one-call reports the evaluate and audit steps are meant to wrap.</summary>
public sealed class ReportTests
{
    private static readonly BootstrapOptions s_options = new() { Iterations = 300, Seed = 5 };

    [Fact]
    public void A_binary_classifier_report_has_every_requested_metric_with_an_interval()
    {
        var random = new Xoshiro(1);
        int[] truth = Enumerable.Range(0, 500).Select(_ => random.NextBool() ? 1 : 0).ToArray();
        double[] scores = truth.Select(t => Math.Clamp((0.3 * t) + (0.7 * random.NextDouble()), 0, 1)).ToArray();
        int[] predicted = scores.Select(s => s >= 0.5 ? 1 : 0).ToArray();

        SortedDictionary<string, MetricEstimate> report = ClassificationReport.Evaluate(truth, predicted, ["accuracy", "f1", "f1_macro", "auc", "ece"], s_options, positiveScores: scores);

        Assert.Equal(["accuracy", "auc", "ece", "f1", "f1_macro"], report.Keys);
        Assert.Equal(ClassificationMetrics.Accuracy(truth, predicted), report["accuracy"].Value, 12);
        Assert.Equal(ClassificationMetrics.F1(truth, predicted), report["f1"].Value, 12);
        Assert.Equal(ClassificationMetrics.F1(truth, predicted, Averaging.Macro), report["f1_macro"].Value, 12);
        Assert.Equal(new RankingCurve(truth.Select(t => t == 1).ToArray(), scores).RocAuc(), report["auc"].Value, 12);
        Assert.All(report.Values, e =>
        {
            Assert.Equal(IntervalMethods.BootstrapPercentile, e.Method);
            Assert.Equal(500, e.N);
            Assert.True(e.CiLow <= e.CiHigh);
        });
        Assert.Equal([1.0, 0.0], ClassificationReport.PerExample([1, 0], [1, 1])["accuracy"]);
    }

    [Fact]
    public void An_unknown_metric_name_is_an_error_that_suggests_the_nearest()
    {
        var e = Assert.Throws<ArgumentException>(() => ClassificationReport.Evaluate([1], [1], ["acuracy"]));
        Assert.Contains("Did you mean `accuracy`?", e.Message);
        Assert.Contains("needs a score", Assert.Throws<ArgumentException>(() => ClassificationReport.Evaluate([1, 0], [1, 0], ["auc"])).Message);
        Assert.Contains("`rougeL`", Assert.Throws<ArgumentException>(() => TextReport.Evaluate(["a"], [["a"]], ["rogueL"])).Message);
    }

    [Fact]
    public void A_text_report_scores_corpus_and_sentence_level()
    {
        string[] predictions = ["the cat sat on the mat", "a dog runs in the park", "it is a guide to action"];
        IReadOnlyList<IReadOnlyList<string>> references = [["the cat sat on a mat"], ["the dog runs in a park", "a dog runs in the park"], ["it is a guide for action"]];
        SortedDictionary<string, MetricEstimate> report = TextReport.Evaluate(predictions, references, TextReport.Names, s_options);
        Assert.Equal(TextReport.Names.Order(StringComparer.Ordinal), report.Keys);
        Assert.Equal(SacreBleu.Corpus(predictions, references).Score, report["bleu"].Value, 12);
        // Articles are dropped before comparing, so "the cat sat on the mat" matches "the cat sat on a mat".
        Assert.Equal(2.0 / 3, report["exact_match"].Value, 12);
        IReadOnlyDictionary<string, double[]> perExample = TextReport.PerExample(predictions, references, ["exact_match", "rougeL", "bleu"]);
        Assert.Equal([1.0, 1.0, 0.0], perExample["exact_match"]);
        Assert.Equal(1.0, perExample["rougeL"][1], 12);
        Assert.Equal(100.0, perExample["bleu"][1], 9);
    }

    [Fact]
    public void An_audit_writes_metrics_and_per_group_rates_into_one_document()
    {
        bool[] truth = [true, true, false, false, true, true, true, false];
        bool[] decisions = [true, false, true, false, true, true, true, true];
        string[] groups = ["a", "a", "a", "a", "b", "b", "b", "b"];
        MetricsDocument document = FairnessReport.Audit(truth, decisions, groups, "group", ["demographic_parity", "equal_opportunity", "counterfactual_flip_rate"], s_options,
            counterfactual: (["pos", "neg"], ["pos", "pos"]));
        Assert.Equal(0.5, document.Get("demographic_parity").Value, 12);
        Assert.Equal(0.5, document.Get("equal_opportunity").Value, 12);
        Assert.Equal(0.5, document.Get("counterfactual_flip_rate").Value, 12);
        GroupEntry b = document.Groups!["group"]["b"];
        Assert.Equal(4, b.N);
        Assert.Equal(1.0, b.Metrics["selection_rate"].Value);
        Assert.Equal("wilson", b.Metrics["selection_rate"].Method);
        Assert.Equal(document.ToJson(), MetricsDocument.Parse(document.ToJson()).ToJson());
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Metrics.Documents;
using Experiments.Metrics.Reports;
using Experiments.Metrics.Uncertainty;
using Experiments.Training.Evaluation;

namespace Experiments.Training.Tests.Evaluation;

public sealed class EvaluateKindTests(EvaluationFixture fixture) : IClassFixture<EvaluationFixture>
{
    private readonly EvaluateKind _kind = new();

    [Fact]
    public async Task A_classifier_on_separable_data_scores_high_and_its_documents_agree_with_the_library()
    {
        string data = EvaluationFixture.WriteRows(Path.Combine(fixture.Root, "classify", "data.jsonl"), fixture.TestReviews);
        StepContext context = fixture.Context(_kind, fixture.ClassifierFolder, data, "classify-out",
            ("metrics", EvaluationFixture.Names("accuracy", "f1", "f1_macro", "auc", "ece")));

        await _kind.ExecuteAsync(context, CancellationToken.None);

        string folder = Path.Combine(fixture.Root, "classify-out", "metrics");
        MetricsDocument document = MetricsDocument.Read(Path.Combine(folder, "metrics.json"));
        Assert.Equal(["accuracy", "auc", "ece", "f1", "f1_macro"], document.Metrics.Keys);
        Assert.All(document.Metrics.Values, m => Assert.Equal(fixture.TestReviews.Count, m.N));
        Assert.All(document.Metrics.Values, m => Assert.Equal(IntervalMethods.BootstrapPercentile, m.Method));
        Assert.True(document.Get("accuracy").Value >= 0.9, $"accuracy {document.Get("accuracy").Value} on separable data");
        Assert.True(document.Get("auc").Value >= 0.9, $"auc {document.Get("auc").Value}");
        Assert.Equal("classification", document.Info!["task"]);

        // The same predictions through the library give the same numbers, intervals included.
        IReadOnlyList<PredictionRow> rows = PredictionsFile.Read(Path.Combine(folder, "predictions.jsonl"));
        Assert.Equal(fixture.TestReviews.Select(r => r["id"]!.ToJsonString()), rows.Select(r => r.Id));
        int[] yTrue = rows.Select(r => int.Parse(r.Reference!.Value.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        int[] yPred = rows.Select(r => int.Parse(r.Prediction!.Value.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var options = new BootstrapOptions { Iterations = 200, Confidence = 0.95, Seed = 42 };
        SortedDictionary<string, MetricEstimate> expected = ClassificationReport.Evaluate(yTrue, yPred, ["accuracy", "f1", "f1_macro"], options);
        foreach ((string name, MetricEstimate estimate) in expected)
        {
            Assert.Equal(estimate, document.Get(name));
            Assert.Equal(estimate.Value, context.Metrics[name]);
        }
        Assert.Equal(rows.Select(r => r.Scores["accuracy"]), ClassificationReport.PerExample(yTrue, yPred)["accuracy"]);
        Assert.Equal(document.Get("auc").Value, context.Metrics["auc"]);

        // Rows pair by id with another run's rows (here: a reversed copy).
        PairedScores paired = PredictionsFile.Pair(rows, rows.Reverse().ToArray(), "accuracy");
        Assert.Equal(paired.Candidate, paired.Baseline);
    }

    [Fact]
    public async Task A_causal_lm_generates_scores_text_metrics_and_perplexity_as_the_library_does()
    {
        string data = EvaluationFixture.WriteRows(Path.Combine(fixture.Root, "generate", "data.jsonl"), EvaluationFixture.Pairs(20, seed: 9));
        StepContext context = fixture.Context(_kind, fixture.LanguageModelFolder, data, "generate-out",
            ("metrics", EvaluationFixture.Names("exact_match", "bleu", "chrf", "rougeL", "perplexity")),
            ("max_new_tokens", CanonicalValue.Number(6)));

        await _kind.ExecuteAsync(context, CancellationToken.None);

        string folder = Path.Combine(fixture.Root, "generate-out", "metrics");
        MetricsDocument document = MetricsDocument.Read(Path.Combine(folder, "metrics.json"));
        IReadOnlyList<PredictionRow> rows = PredictionsFile.Read(Path.Combine(folder, "predictions.jsonl"));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"p{i}"), rows.Select(r => r.Id));
        string[] predictions = rows.Select(r => r.Prediction!.Value.GetString()!).ToArray();
        IReadOnlyList<IReadOnlyList<string>> references = rows.Select(r => (IReadOnlyList<string>)[r.Reference!.Value.GetString()!]).ToArray();
        Assert.All(predictions, p => Assert.True(p.Length <= 6 * 13, p)); // at most 6 tokens (the longest is <|endoftext|>)

        var options = new BootstrapOptions { Iterations = 200, Confidence = 0.95, Seed = 42 };
        SortedDictionary<string, MetricEstimate> expected = TextReport.Evaluate(predictions, references, ["exact_match", "bleu", "chrf", "rougeL"], options);
        foreach ((string name, MetricEstimate estimate) in expected)
        {
            Assert.Equal(estimate, document.Get(name));
            Assert.Equal(estimate.Value, context.Metrics[name]);
        }
        IReadOnlyDictionary<string, double[]> perExample = TextReport.PerExample(predictions, references, ["bleu", "exact_match"]);
        Assert.Equal(perExample["bleu"], rows.Select(r => r.Scores["bleu"]));
        Assert.Equal(perExample["exact_match"], rows.Select(r => r.Scores["exact_match"]));

        MetricEstimate perplexity = document.Get("perplexity");
        Assert.InRange(perplexity.Value, 1.0, 40.0); // a trained model beats a uniform guess over its ~30 symbols
        Assert.True(perplexity.CiLow <= perplexity.Value && perplexity.Value <= perplexity.CiHigh);
        Assert.All(rows, r => Assert.True(r.Scores["perplexity"] >= 1.0));
        Assert.StartsWith("greedy", document.Info!["decoding"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluation_is_deterministic_and_sampling_at_temperature_zero_is_greedy()
    {
        string data = EvaluationFixture.WriteRows(Path.Combine(fixture.Root, "determinism", "data.jsonl"), EvaluationFixture.Pairs(12, seed: 10));
        (string Name, CanonicalValue Value)[] common = [("metrics", EvaluationFixture.Names("chrf")), ("max_new_tokens", CanonicalValue.Number(5))];

        string greedy = await Predictions("greedy", data, common);
        string again = await Predictions("greedy-again", data, common);
        string cold = await Predictions("cold", data, [.. common, ("decoding", CanonicalValue.String("sample")), ("temperature", CanonicalValue.Number(0))]);
        string sampled = await Predictions("sampled", data, [.. common, ("decoding", CanonicalValue.String("sample")), ("temperature", CanonicalValue.Number(2))]);
        string sampledAgain = await Predictions("sampled-again", data, [.. common, ("decoding", CanonicalValue.String("sample")), ("temperature", CanonicalValue.Number(2))]);

        Assert.Equal(greedy, again);
        Assert.Equal(greedy, cold);
        Assert.Equal(sampled, sampledAgain);
        Assert.NotEqual(greedy, sampled); // hot sampling over 12 prompts × 5 tokens does depart from greedy
    }

    [Fact]
    public async Task A_metric_of_the_other_task_fails_the_step_saying_what_the_model_reports()
    {
        string data = EvaluationFixture.WriteRows(Path.Combine(fixture.Root, "misfit", "data.jsonl"), fixture.TestReviews.Take(5));
        StepContext context = fixture.Context(_kind, fixture.ClassifierFolder, data, "misfit-out", ("metrics", EvaluationFixture.Names("accuracy", "bleu")));

        var failure = await Assert.ThrowsAsync<StepFailedException>(() => _kind.ExecuteAsync(context, CancellationToken.None));

        Assert.StartsWith("metrics `bleu` do not apply: the model is a classifier (its config lists labels), which reports accuracy, precision,", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_ids_fail_the_step_naming_the_lines()
    {
        JsonObject[] rows = [.. fixture.TestReviews.Take(3).Select(r => (JsonObject)r.DeepClone())];
        rows[2]["id"] = rows[0]["id"]!.DeepClone();
        string data = EvaluationFixture.WriteRows(Path.Combine(fixture.Root, "duplicates", "data.jsonl"), rows);
        StepContext context = fixture.Context(_kind, fixture.ClassifierFolder, data, "duplicates-out");

        var failure = await Assert.ThrowsAsync<StepFailedException>(() => _kind.ExecuteAsync(context, CancellationToken.None));

        Assert.StartsWith("input 'data', data.jsonl:3: id '1000' was already used on line 1", failure.Message, StringComparison.Ordinal);
    }

    private async Task<string> Predictions(string name, string data, (string Name, CanonicalValue Value)[] overrides)
    {
        StepContext context = fixture.Context(_kind, fixture.LanguageModelFolder, data, name, overrides);
        await _kind.ExecuteAsync(context, CancellationToken.None);
        IReadOnlyList<PredictionRow> rows = PredictionsFile.Read(Path.Combine(fixture.Root, name, "metrics", "predictions.jsonl"));
        return JsonSerializer.Serialize(rows.Select(r => r.Prediction!.Value.GetString()));
    }
}

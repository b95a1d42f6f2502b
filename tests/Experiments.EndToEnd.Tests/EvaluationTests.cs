using System.Text.Json;
using Experiments.EndToEnd.Tests.Support;
using Experiments.Engine.Store;
using Experiments.Metrics.Documents;

namespace Experiments.EndToEnd.Tests;

/// <summary>
/// The sentiment example through the real CLI, shrunk with -p: it generates, pretrains, fine-tunes
/// two variants, evaluates and audits each, and the evaluation documents in the store are the ones
/// gates read (metrics.json beside predictions.jsonl, values equal to the step's metrics).
/// </summary>
public sealed class EvaluationTests
{
    private static readonly string[] s_small = ["-p", "examples=300", "-p", "pretrain_steps=16", "-p", "finetune_steps=8", "-p", "save_every=0"];

    [Fact]
    public async Task The_sentiment_example_evaluates_and_audits_each_variant_into_documents_gates_can_read()
    {
        var workspace = new Workspace();
        string file = workspace.CopyExample("sentiment", "sentiment.exp");

        ExpResult run = await ExpProcess.RunAsync(workspace.Root, ["run", file, "--json", .. s_small], null, limit: TimeSpan.FromMinutes(15));

        // The shrunk models are weak, so the example's gates (accuracy >= 0.75, parity <= 0.1) may
        // fail: exit 3 then, never a step failure.
        Assert.True(run.ExitCode is 0 or 3, run.ToString());
        JsonElement[] steps = run.Json.GetProperty("steps").EnumerateArray().ToArray();
        // reviews, splits, tok, base; then per variant ft, scores, fair.
        Assert.Equal(10, steps.Length);
        Assert.All(steps, s => Assert.Equal("ran", s.GetProperty("status").GetString()));
        var store = new ContentStore(Path.Combine(Path.GetDirectoryName(file)!, ".exp"));

        JsonElement[] scores = steps.Where(s => s.GetProperty("name").GetString() == "scores").ToArray();
        Assert.Equal(2, scores.Length);
        foreach (JsonElement step in scores)
        {
            JsonElement metrics = step.GetProperty("metrics");
            MetricsDocument document = Document(store, step, "metrics", out IReadOnlyList<PredictionRow> predictions);
            Assert.Equal(["accuracy", "auc", "ece", "f1"], document.Metrics.Keys);
            foreach ((string name, var estimate) in document.Metrics)
            {
                Assert.Equal(estimate.Value, metrics.GetProperty(name).GetDouble());
                Assert.InRange(estimate.Value, 0, 1);
                Assert.True(estimate.CiLow <= estimate.Value && estimate.Value <= estimate.CiHigh, $"{name}: {estimate}");
                Assert.Equal(30, estimate.N); // the test split: 10% of 300
            }
            Assert.Equal(30, predictions.Count);
            Assert.Equal(document.Get("accuracy").Value, predictions.Average(p => p.Scores["accuracy"]), 12);
        }

        JsonElement[] audits = steps.Where(s => s.GetProperty("name").GetString() == "fair").ToArray();
        Assert.Equal(2, audits.Length);
        foreach (JsonElement step in audits)
        {
            JsonElement metrics = step.GetProperty("metrics");
            MetricsDocument document = Document(store, step, "report", out _);
            Assert.Equal(["counterfactual_flip_rate", "demographic_parity", "equal_opportunity"], document.Metrics.Keys);
            Assert.Equal(document.Get("demographic_parity").Value, metrics.GetProperty("demographic_parity").GetDouble());
            Assert.Equal(["female", "male"], document.Groups!["group"].Keys);
            Assert.Equal(30, document.Groups["group"].Values.Sum(g => g.N));
            Assert.True(metrics.GetProperty("counterfactual_pairs").GetDouble() > 0);
        }

        // Each gate is evaluated once per variant, on the value the step reported; the
        // no_regression gate against the committed baseline of the full-size example.
        JsonElement[] gates = run.Json.GetProperty("gates").EnumerateArray().ToArray();
        Assert.Equal(6, gates.Length);
        using JsonDocument baseline = JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(file)!, "baselines", "sentiment.json")));
        foreach (JsonElement gate in gates)
        {
            string stepId = gate.GetProperty("step").GetString()!;
            JsonElement step = steps.Single(s => s.GetProperty("id").GetString() == stepId);
            string metric = gate.GetProperty("metric").GetString()!;
            double current = gate.GetProperty("current").GetDouble();
            Assert.Equal(step.GetProperty("metrics").GetProperty(metric).GetDouble(), current, 12);
            string text = gate.GetProperty("gate").GetString()!;
            if (text.Contains("no_regression", StringComparison.Ordinal))
            {
                double recorded = baseline.RootElement.GetProperty("metrics").GetProperty($"{stepId}.{metric}").GetProperty("value").GetDouble();
                Assert.Equal(recorded, gate.GetProperty("baseline").GetDouble());
                continue;
            }
            bool expected = metric == "accuracy" ? current >= 0.75 : current <= 0.1;
            Assert.Equal(expected, gate.GetProperty("passed").GetBoolean());
        }
        Assert.Equal(gates.All(g => g.GetProperty("passed").GetBoolean()) ? 0 : 3, run.ExitCode);
    }

    /// <summary>The metrics document and predictions a step stored in its Metrics output, found as gates find them.</summary>
    private static MetricsDocument Document(ContentStore store, JsonElement step, string output, out IReadOnlyList<PredictionRow> predictions)
    {
        string key = step.GetProperty("key").GetString()!;
        using JsonDocument entry = JsonDocument.Parse(File.ReadAllText(store.ActionPath(key)));
        JsonElement manifest = entry.RootElement.GetProperty("outputs").GetProperty(output);
        Assert.Equal("Metrics", manifest.GetProperty("type").GetString());
        Dictionary<string, string> files = manifest.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => store.ObjectPath(f.GetProperty("digest").GetString()!));
        Assert.Equal(["metrics.json", "predictions.jsonl"], files.Keys.Order(StringComparer.Ordinal));
        predictions = PredictionsFile.Read(files["predictions.jsonl"]);
        return MetricsDocument.Read(files["metrics.json"]);
    }
}

using System.Text.Json.Nodes;
using Experiments.Metrics.Documents;
using Experiments.Metrics.Significance;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Tests.Documents;

public sealed class MetricsDocumentTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("exp-metrics-doc-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static MetricsDocument Sample() => new()
    {
        Metrics = new(StringComparer.Ordinal)
        {
            ["accuracy"] = new MetricEstimate(0.8, 0.75, 0.85, 400, IntervalMethods.BootstrapPercentile) { Confidence = 0.95, Iterations = 1000, Seed = 7, StandardError = 0.02 },
            ["auc"] = MetricEstimate.PointOnly(double.NaN, 400),
        },
        Groups = new(StringComparer.Ordinal)
        {
            ["group"] = new(StringComparer.Ordinal)
            {
                ["female"] = new GroupEntry(190, new(StringComparer.Ordinal) { ["selection_rate"] = ProportionIntervals.Wilson(95, 190) }),
            },
        },
        Info = new(StringComparer.Ordinal) { ["predictions"] = "predictions.jsonl" },
    };

    [Fact]
    public void The_document_has_the_documented_shape_and_round_trips()
    {
        MetricsDocument document = Sample();
        string path = Path.Combine(_folder.FullName, "metrics.json");
        document.Write(path);
        JsonNode json = JsonNode.Parse(File.ReadAllText(path))!;
        JsonNode accuracy = json["metrics"]!["accuracy"]!;
        Assert.Equal(1, json["schema"]!.GetValue<int>());
        Assert.Equal(0.8, accuracy["value"]!.GetValue<double>());
        Assert.Equal(0.75, accuracy["ci_low"]!.GetValue<double>());
        Assert.Equal(0.85, accuracy["ci_high"]!.GetValue<double>());
        Assert.Equal(400, accuracy["n"]!.GetValue<long>());
        Assert.Equal("bootstrap-percentile", accuracy["method"]!.GetValue<string>());
        Assert.Equal(1000, accuracy["iterations"]!.GetValue<int>());
        Assert.Equal(0.02, accuracy["standard_error"]!.GetValue<double>());
        JsonObject auc = json["metrics"]!["auc"]!.AsObject();
        Assert.Equal("NaN", auc["value"]!.GetValue<string>());
        Assert.Null(auc["ci_low"]);
        Assert.True(auc.ContainsKey("ci_low"));
        Assert.False(auc.ContainsKey("iterations"));
        Assert.Equal("wilson", json["groups"]!["group"]!["female"]!["metrics"]!["selection_rate"]!["method"]!.GetValue<string>());

        MetricsDocument read = MetricsDocument.Read(path);
        Assert.Equal(document.Metrics["accuracy"], read.Get("accuracy"));
        Assert.True(double.IsNaN(read.Get("auc").Value));
        Assert.Equal(190, read.Groups!["group"]["female"].N);
        Assert.Equal("predictions.jsonl", read.Info!["predictions"]);
    }

    [Fact]
    public void Problems_are_reported_with_the_file_and_what_is_wrong()
    {
        string path = Path.Combine(_folder.FullName, "bad.json");
        File.WriteAllText(path, "{\"schema\": 2, \"metrics\": {}}");
        Assert.Contains("schema 2", Assert.Throws<MetricsDocumentException>(() => MetricsDocument.Read(path)).Message);
        File.WriteAllText(path, "{\"metrics\": {\"accuracy\": {\"value\": 0.5}}}");
        Assert.Contains("'accuracy' has no method", Assert.Throws<MetricsDocumentException>(() => MetricsDocument.Read(path)).Message);
        File.WriteAllText(path, "{\"metrics\": ");
        Assert.Contains(path, Assert.Throws<MetricsDocumentException>(() => MetricsDocument.Read(path)).Message);
        Assert.Contains("have: accuracy, auc", Assert.Throws<MetricsDocumentException>(() => Sample().Get("f1")).Message);
    }

    [Fact]
    public void Predictions_round_trip_and_pair_by_id_for_a_paired_test()
    {
        string baselinePath = Path.Combine(_folder.FullName, "baseline.jsonl");
        string candidatePath = Path.Combine(_folder.FullName, "candidate.jsonl");
        PredictionRow Row(int id, int prediction, int reference) => new()
        {
            Id = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Prediction = PredictionRow.Value(prediction),
            Reference = PredictionRow.Value(reference),
            Scores = new(StringComparer.Ordinal) { ["accuracy"] = prediction == reference ? 1 : 0 },
        };
        PredictionsFile.Write(baselinePath, Enumerable.Range(0, 200).Select(i => Row(i, i % 4 == 0 ? 0 : 1, 1)));
        // The candidate is written in another order; pairing must follow ids, not positions.
        PredictionsFile.Write(candidatePath, Enumerable.Range(0, 200).Reverse().Select(i => Row(i, i % 10 == 0 ? 0 : 1, 1)));

        string firstLine = File.ReadLines(candidatePath).First();
        Assert.Equal("{\"id\":\"199\",\"prediction\":1,\"reference\":1,\"scores\":{\"accuracy\":1}}", firstLine);

        PairedScores paired = PredictionsFile.Pair(PredictionsFile.Read(candidatePath), PredictionsFile.Read(baselinePath), "accuracy");
        Assert.Equal("199", paired.Ids[0]);
        Assert.Equal(0.9, paired.Candidate.Average(), 12);
        Assert.Equal(0.75, paired.Baseline.Average(), 12);
        PairedComparison comparison = PairedTests.Bootstrap(paired.Candidate, paired.Baseline);
        Assert.Equal(0.15, comparison.Delta, 12);
        Assert.False(comparison.Worse(0.05));
        Assert.True(comparison.PValueGreater < 0.05);
    }

    [Fact]
    public void Pairing_refuses_runs_over_different_examples()
    {
        PredictionRow Row(string id) => new() { Id = id, Scores = new(StringComparer.Ordinal) { ["accuracy"] = 1 } };
        var e = Assert.Throws<MetricsDocumentException>(() => PredictionsFile.Pair([Row("a"), Row("b")], [Row("a"), Row("c")], "accuracy"));
        Assert.Contains("1 only in the candidate (e.g. b)", e.Message);
        Assert.Contains("twice", Assert.Throws<MetricsDocumentException>(() => PredictionsFile.Pair([Row("a"), Row("a")], [Row("a")], "accuracy")).Message);
        Assert.Contains("no 'bleu' score", Assert.Throws<MetricsDocumentException>(() => PredictionsFile.Pair([Row("a")], [Row("a")], "bleu")).Message);
    }

    [Fact]
    public void Numeric_ids_read_as_strings()
    {
        string path = Path.Combine(_folder.FullName, "numeric.jsonl");
        File.WriteAllText(path, "{\"id\": 17, \"prediction\": \"pos\", \"scores\": {\"accuracy\": 1}}\n\n");
        PredictionRow row = Assert.Single(PredictionsFile.Read(path));
        Assert.Equal("17", row.Id);
        Assert.Equal("pos", row.Prediction!.Value.GetString());
    }
}

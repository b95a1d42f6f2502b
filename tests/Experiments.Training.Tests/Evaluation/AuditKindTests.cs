using System.Text.Json.Nodes;
using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Metrics.Documents;
using Experiments.Metrics.Fairness;
using Experiments.Metrics.Reports;
using Experiments.Metrics.Uncertainty;
using Experiments.Training.Evaluation;

namespace Experiments.Training.Tests.Evaluation;

public sealed class AuditKindTests(EvaluationFixture fixture) : IClassFixture<EvaluationFixture>
{
    private readonly AuditKind _kind = new();

    [Fact]
    public async Task The_audit_numbers_match_the_library_on_the_same_predictions()
    {
        string data = EvaluationFixture.WriteRows(Path.Combine(fixture.Root, "audit", "data.jsonl"), fixture.TestReviews);
        StepContext context = fixture.Context(_kind, fixture.ClassifierFolder, data, "audit-out",
            ("metrics", EvaluationFixture.Names("demographic_parity", "demographic_parity_ratio", "equal_opportunity", "equalized_odds", "predictive_parity")),
            ("counterfactual", CanonicalValue.String("gender")));

        await _kind.ExecuteAsync(context, CancellationToken.None);

        string folder = Path.Combine(fixture.Root, "audit-out", "report");
        MetricsDocument document = MetricsDocument.Read(Path.Combine(folder, "metrics.json"));
        IReadOnlyList<PredictionRow> rows = PredictionsFile.Read(Path.Combine(folder, "predictions.jsonl"));
        bool[] yTrue = rows.Select(r => r.Reference!.Value.GetString() == "1").ToArray();
        bool[] yPred = rows.Select(r => r.Prediction!.Value.GetString() == "1").ToArray();
        string[] groups = fixture.TestReviews.Select(r => (string)r["group"]!).ToArray();
        var options = new BootstrapOptions { Iterations = 200, Confidence = 0.95, Seed = 42 };
        string[] names = ["demographic_parity", "demographic_parity_ratio", "equal_opportunity", "equalized_odds", "predictive_parity"];
        MetricsDocument expected = FairnessReport.Audit(yTrue, yPred, groups, "group", names, options);

        foreach (string name in names)
        {
            Assert.Equal(expected.Get(name), document.Get(name));
            Assert.Equal(expected.Get(name).Value, context.Metrics[name]);
        }
        Assert.Equal(expected.Groups!["group"].Keys, document.Groups!["group"].Keys);
        foreach ((string group, GroupEntry entry) in expected.Groups["group"])
        {
            Assert.Equal(entry.N, document.Groups["group"][group].N);
            Assert.Equal(entry.Metrics, document.Groups["group"][group].Metrics);
        }

        // Every review names a gendered person, so every one has a counterfactual twin.
        Assert.Equal(fixture.TestReviews.Count, context.Metrics["counterfactual_pairs"]);
        MetricEstimate flips = document.Get(AuditKind.FlipRate);
        Assert.InRange(flips.Value, 0, 0.2); // the label rests on the adjective, not the person
        double flipped = flips.Value * fixture.TestReviews.Count;
        Assert.Equal(Math.Round(flipped), flipped, 9);
        Assert.Equal("gender", document.Info!["counterfactual"]);
    }

    [Fact]
    public async Task A_second_attribute_audits_the_intersections()
    {
        string data = EvaluationFixture.WriteRows(Path.Combine(fixture.Root, "intersect", "data.jsonl"), fixture.TestReviews);
        StepContext context = fixture.Context(_kind, fixture.ClassifierFolder, data, "intersect-out",
            ("attribute2", CanonicalValue.String("age")), ("metrics", EvaluationFixture.Names("demographic_parity")));

        await _kind.ExecuteAsync(context, CancellationToken.None);

        MetricsDocument document = MetricsDocument.Read(Path.Combine(fixture.Root, "intersect-out", "report", "metrics.json"));
        Assert.Equal(["female & old", "female & young", "male & old", "male & young"], document.Groups!["group & age"].Keys);
        Assert.Equal(fixture.TestReviews.Count, document.Groups["group & age"].Values.Sum(g => g.N));
        Assert.Equal(["demographic_parity"], document.Metrics.Keys);
    }

    [Fact]
    public async Task Asking_for_the_flip_rate_without_a_swap_list_fails_the_step()
    {
        string data = EvaluationFixture.WriteRows(Path.Combine(fixture.Root, "noswap", "data.jsonl"), fixture.TestReviews.Take(10));
        StepContext context = fixture.Context(_kind, fixture.ClassifierFolder, data, "noswap-out", ("metrics", EvaluationFixture.Names("counterfactual_flip_rate")));

        var failure = await Assert.ThrowsAsync<StepFailedException>(() => _kind.ExecuteAsync(context, CancellationToken.None));

        Assert.Equal("counterfactual_flip_rate needs counterfactual inputs: set counterfactual to a swap list (gender).", failure.Message);
    }

    [Fact]
    public async Task A_missing_attribute_fails_the_step_naming_the_line_and_field()
    {
        JsonObject[] rows = [.. fixture.TestReviews.Take(2).Select(r => (JsonObject)r.DeepClone())];
        rows[1].Remove("group");
        string data = EvaluationFixture.WriteRows(Path.Combine(fixture.Root, "noattr", "data.jsonl"), rows);
        StepContext context = fixture.Context(_kind, fixture.ClassifierFolder, data, "noattr-out");

        var failure = await Assert.ThrowsAsync<StepFailedException>(() => _kind.ExecuteAsync(context, CancellationToken.None));

        Assert.Equal("input 'data', data.jsonl:2: the row has no field 'group' (it has: id, text, label, age).", failure.Message);
    }
}

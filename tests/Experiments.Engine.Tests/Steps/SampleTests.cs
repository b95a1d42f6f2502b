using System.Text.Json.Nodes;
using Experiments.Engine.Execution;
using Experiments.Steps.Kinds;

namespace Experiments.Engine.Tests.Steps;

public sealed class SampleTests : IDisposable
{
    private readonly StepHarness _harness = new();
    private readonly SampleKind _kind = new();

    public void Dispose() => _harness.Dispose();

    private StepRun Sample(InputArtifact data, object parameters, long seed = 1) =>
        _harness.Run(_kind, parameters, seed, StepHarness.Input(data));

    [Fact]
    public void N_rows_are_drawn_without_replacement_in_input_order()
    {
        StepRun run = Sample(_harness.Data(TestRows.Labeled(100)), new { n = 30 });
        IReadOnlyList<long> ids = run.Ids();
        Assert.Equal(30, ids.Count);
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(30, ids.Distinct().Count());
        Assert.Equal(30, run.Metrics["rows"]);
        Assert.Equal(100, run.Metrics["input_rows"]);
    }

    [Theory]
    [InlineData(0.25, 40, 10)]
    [InlineData(0.5, 5, 3)]
    [InlineData(0.0, 10, 0)]
    [InlineData(1.0, 10, 10)]
    public void A_fraction_rounds_half_away_from_zero(double fraction, int rows, int expected) =>
        Assert.Equal(expected, Sample(_harness.Data(TestRows.Labeled(rows)), new { fraction }).Ids().Count);

    [Fact]
    public void Same_seed_same_sample_other_seed_other_sample()
    {
        InputArtifact data = _harness.Data(TestRows.Labeled(200));
        Assert.Equal(Sample(data, new { n = 50 }, seed: 3).Bytes(), Sample(data, new { n = 50 }, seed: 3).Bytes());
        Assert.NotEqual(Sample(data, new { n = 50 }, seed: 3).Bytes(), Sample(data, new { n = 50 }, seed: 4).Bytes());
    }

    [Fact]
    public void Stratified_sampling_keeps_proportions()
    {
        // 400 rows, a quarter positive; a fifth of them: exactly 20 positive, 60 negative.
        StepRun run = Sample(_harness.Data(TestRows.Labeled(400)), new { fraction = 0.2, stratify = "label" });
        IReadOnlyList<JsonObject> rows = run.Rows();
        Assert.Equal(80, rows.Count);
        Assert.Equal(20, rows.Count(r => (int)r["label"]! == 1));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(10, 0.5)]
    public void Exactly_one_of_n_and_fraction_is_required(int? n, double? fraction) =>
        Assert.Contains("give exactly one of n", _harness.Fails(_kind, new { n, fraction }, StepHarness.Input(_harness.Data(TestRows.Labeled(20)))));

    [Fact]
    public void Asking_for_more_rows_than_there_are_fails_clearly() =>
        Assert.Contains("n: 21 is more than the 20 rows",
            _harness.Fails(_kind, new { n = 21 }, StepHarness.Input(_harness.Data(TestRows.Labeled(20)))));
}

using System.Text.Json.Nodes;
using Experiments.Engine.Execution;
using Experiments.Steps.Kinds;

namespace Experiments.Engine.Tests.Steps;

public sealed class SplitTests : IDisposable
{
    private static readonly string[] s_parts = ["train", "val", "test"];
    private readonly StepHarness _harness = new();
    private readonly SplitKind _kind = new();

    public void Dispose() => _harness.Dispose();

    private StepRun Split(InputArtifact data, object? parameters = null, long seed = 1) =>
        _harness.Run(_kind, parameters, seed, StepHarness.Input(data));

    [Theory]
    [InlineData(1000, 800, 100, 100)]
    [InlineData(7, 5, 1, 1)]
    [InlineData(0, 0, 0, 0)]
    [InlineData(13, 11, 1, 1)]
    public void Counts_are_exact_and_parts_are_disjoint_and_cover_the_input(int rows, int train, int val, int test)
    {
        StepRun run = Split(_harness.Data(TestRows.Labeled(rows)));
        Assert.Equal([train, val, test], s_parts.Select(p => run.Ids(p).Count));
        Assert.Equal(Enumerable.Range(0, rows).Select(i => (long)i), s_parts.SelectMany(p => run.Ids(p)).Order());
        Assert.Equal([train, val, test], s_parts.Select(p => (int)run.Metrics[$"{p}_rows"]));
        Assert.Equal(rows, run.Metrics["rows"]);
    }

    [Fact]
    public void Same_seed_same_bytes_other_seed_other_split()
    {
        InputArtifact data = _harness.Data(TestRows.Labeled(200));
        StepRun a = Split(data, seed: 4);
        StepRun b = Split(data, seed: 4);
        StepRun c = Split(data, seed: 5);
        Assert.All(s_parts, p => Assert.Equal(a.Bytes(p), b.Bytes(p)));
        Assert.NotEqual(a.Bytes("train"), c.Bytes("train"));
    }

    [Fact]
    public void Shuffled_output_is_in_shuffled_order_and_unshuffled_keeps_input_runs()
    {
        InputArtifact data = _harness.Data(TestRows.Labeled(100));
        StepRun shuffled = Split(data);
        Assert.NotEqual(shuffled.Ids("train").Order(), shuffled.Ids("train"));

        StepRun ordered = Split(data, new { shuffle = false, train = 0.5, val = 0.3, test = 0.2 });
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), ordered.Ids("train"));
        Assert.Equal(Enumerable.Range(50, 30).Select(i => (long)i), ordered.Ids("val"));
        Assert.Equal(Enumerable.Range(80, 20).Select(i => (long)i), ordered.Ids("test"));
    }

    [Fact]
    public void Stratified_parts_keep_the_class_proportions()
    {
        // 1000 rows, a quarter positive: every part is exactly a quarter positive.
        StepRun run = Split(_harness.Data(TestRows.Labeled(1000)), new { stratify = "label" });
        Assert.Equal([200, 25, 25], s_parts.Select(p => run.Rows(p).Count(r => (int)r["label"]! == 1)));
        Assert.Equal([800, 100, 100], s_parts.Select(p => run.Rows(p).Count));
        Assert.Equal(2, run.Metrics["strata"]);
    }

    [Fact]
    public void Stratified_split_of_a_rare_class_rounds_per_stratum()
    {
        // 90 of class a, 10 of class b, 0.7/0.2/0.1: a gives 63/18/9, b gives 7/2/1.
        IEnumerable<JsonObject> rows = Enumerable.Range(0, 100).Select(i => new JsonObject { ["id"] = i, ["c"] = i < 90 ? "a" : "b" });
        StepRun run = Split(_harness.Data(rows), new { train = 0.7, val = 0.2, test = 0.1, stratify = "c" });
        Assert.Equal([7, 2, 1], s_parts.Select(p => run.Rows(p).Count(r => (string)r["c"]! == "b")));
        Assert.Equal([70, 20, 10], s_parts.Select(p => run.Rows(p).Count));
    }

    [Theory]
    [InlineData(0.8, 0.1, 0.05, "0.8 + 0.1 + 0.05 = 0.95")]
    [InlineData(0.6, 0.3, 0.3, "= 1.2")]
    public void Ratios_that_do_not_sum_to_one_fail_clearly(double train, double val, double test, string expected)
    {
        string message = _harness.Fails(_kind, new { train, val, test }, StepHarness.Input(_harness.Data(TestRows.Labeled(10))));
        Assert.StartsWith("split: train + val + test must be 1", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Ratios_within_rounding_of_one_are_accepted()
    {
        StepRun run = Split(_harness.Data(TestRows.Labeled(30)), new { train = 0.7, val = 0.2, test = 0.1 });
        Assert.Equal(30, s_parts.Sum(p => run.Rows(p).Count));
    }

    [Fact]
    public void A_row_without_the_stratify_field_fails_naming_the_line()
    {
        InputArtifact data = _harness.Data("{\"label\":1}\n{\"label\":0}\n{\"lable\":1}\n");
        string message = _harness.Fails(_kind, new { stratify = "label" }, StepHarness.Input(data));
        Assert.Equal("input 'data', data.jsonl:3: the row has no field 'label' to stratify on (it has: lable).", message);
    }

    [Fact]
    public void A_split_output_reads_back_as_the_next_steps_input()
    {
        StepRun first = Split(_harness.Data(TestRows.Labeled(100)));
        StepRun second = Split(StepHarness.Data(first, "train"), new { train = 0.5, val = 0.5, test = 0.0 });
        Assert.Equal([40, 40, 0], s_parts.Select(p => second.Rows(p).Count));
        Assert.Equal(first.Ids("train").Order(), s_parts.SelectMany(p => second.Ids(p)).Order());
    }
}

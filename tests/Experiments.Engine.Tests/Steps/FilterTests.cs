using Experiments.Engine.Execution;
using Experiments.Steps.Kinds;

namespace Experiments.Engine.Tests.Steps;

public sealed class FilterTests : IDisposable
{
    private const string Rows =
        "{\"id\":0,\"group\":\"female\",\"label\":1}\n" +
        "{\"id\":1,\"group\":\"male\",\"label\":0}\n" +
        "{\"id\":2,\"group\":\"nonbinary\",\"label\":\"1\"}\n" +
        "{\"id\":3,\"label\":1.0}\n" +
        "{\"id\":4,\"group\":null,\"label\":true}\n";

    private readonly StepHarness _harness = new();
    private readonly FilterKind _kind = new();

    public void Dispose() => _harness.Dispose();

    private StepRun Filter(object parameters) => _harness.Run(_kind, parameters, inputs: StepHarness.Input(_harness.Data(Rows)));

    [Fact]
    public void Equals_compares_the_values_string_form()
    {
        Assert.Equal([0L, 2, 3], Filter(new { field = "label", equals = "1" }).Ids());
        Assert.Equal([4L], Filter(new { field = "label", equals = "true" }).Ids());
        Assert.Equal([4L], Filter(new { field = "group", equals = "null" }).Ids());
    }

    [Fact]
    public void In_keeps_listed_values()
    {
        StepRun run = Filter(new { field = "group", @in = new[] { "female", "male" } });
        Assert.Equal([0L, 1], run.Ids());
        Assert.Equal(2, run.Metrics["rows"]);
        Assert.Equal(5, run.Metrics["input_rows"]);
        Assert.Equal(1, run.Metrics["missing_field"]);
    }

    [Fact]
    public void Not_in_drops_listed_values_and_rows_without_the_field()
    {
        Assert.Equal([2L, 4], Filter(new { field = "group", not_in = new[] { "female", "male" } }).Ids());
    }

    [Fact]
    public void Kept_rows_are_written_unchanged_in_canonical_form()
    {
        Assert.Equal("{\"id\":3,\"label\":1}\n", Filter(new { field = "id", equals = "3" }).Text());
    }

    [Fact]
    public void Filtering_is_deterministic() =>
        Assert.Equal(Filter(new { field = "label", equals = "1" }).Bytes(), Filter(new { field = "label", equals = "1" }).Bytes());

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    public void Exactly_one_condition_is_required(bool equals, bool @in, bool notIn)
    {
        string message = _harness.Fails(
            _kind,
            new { field = "id", equals = equals ? "1" : null, @in = @in ? new[] { "1" } : null, not_in = notIn ? new[] { "1" } : null },
            StepHarness.Input(_harness.Data(Rows)));
        Assert.Equal("filter: give exactly one of equals, in or not_in.", message);
    }

    [Fact]
    public void A_field_no_row_has_fails_as_a_likely_typo()
    {
        string message = _harness.Fails(_kind, new { field = "lable", equals = "1" }, StepHarness.Input(_harness.Data(Rows)));
        Assert.Equal("filter: no row of input 'data', data.jsonl has the field 'lable' (the first row has: id, group, label).", message);
    }

    [Fact]
    public void An_empty_input_gives_an_empty_output()
    {
        StepRun run = _harness.Run(_kind, new { field = "x", equals = "1" }, inputs: StepHarness.Input(_harness.Data("")));
        Assert.Empty(run.Bytes());
    }
}

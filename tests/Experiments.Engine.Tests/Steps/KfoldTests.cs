using Experiments.Engine.Execution;
using Experiments.Steps.Kinds;

namespace Experiments.Engine.Tests.Steps;

public sealed class KfoldTests : IDisposable
{
    private readonly StepHarness _harness = new();
    private readonly KfoldKind _kind = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData(100, 5, null)]
    [InlineData(103, 4, null)]
    [InlineData(103, 4, "label")]
    [InlineData(10, 10, null)]
    public void Folds_are_disjoint_cover_the_data_and_train_is_the_complement(int rows, int k, string? stratify)
    {
        InputArtifact data = _harness.Data(TestRows.Labeled(rows));
        var allTest = new List<long>();
        for (int fold = 0; fold < k; fold++)
        {
            // The engine derives the step seed without `fold` (AffectsSeed = false), so every fold sees one seed.
            StepRun run = _harness.Run(_kind, new { k, fold, stratify }, seed: 1000, StepHarness.Input(data));
            IReadOnlyList<long> test = run.Ids("test");
            IReadOnlyList<long> train = run.Ids("train");
            Assert.InRange(test.Count, rows / k, (rows / k) + 1);
            Assert.Empty(train.Intersect(test));
            Assert.Equal(Enumerable.Range(0, rows).Select(i => (long)i), train.Concat(test).Order());
            Assert.Equal(train.Order(), train);
            allTest.AddRange(test);
        }
        Assert.Equal(Enumerable.Range(0, rows).Select(i => (long)i), allTest.Order());
    }

    [Fact]
    public void Stratified_folds_keep_the_class_proportions()
    {
        InputArtifact data = _harness.Data(TestRows.Labeled(200));
        for (int fold = 0; fold < 5; fold++)
        {
            StepRun run = _harness.Run(_kind, new { k = 5, fold, stratify = "label" }, inputs: StepHarness.Input(data));
            Assert.Equal(10, run.Rows("test").Count(r => (int)r["label"]! == 1));
            Assert.Equal(40, run.Rows("test").Count);
        }
    }

    [Fact]
    public void The_seed_changes_the_partition_and_is_reproducible()
    {
        InputArtifact data = _harness.Data(TestRows.Labeled(100));
        StepRun a = _harness.Run(_kind, new { fold = 0 }, seed: 1, StepHarness.Input(data));
        StepRun b = _harness.Run(_kind, new { fold = 0 }, seed: 1, StepHarness.Input(data));
        StepRun c = _harness.Run(_kind, new { fold = 0 }, seed: 2, StepHarness.Input(data));
        Assert.Equal(a.Bytes("test"), b.Bytes("test"));
        Assert.Equal(a.Bytes("train"), b.Bytes("train"));
        Assert.NotEqual(a.Bytes("test"), c.Bytes("test"));
    }

    [Fact]
    public void Without_shuffle_rows_are_dealt_round_robin_in_input_order()
    {
        StepRun run = _harness.Run(_kind, new { k = 3, fold = 1, shuffle = false }, inputs: StepHarness.Input(_harness.Data(TestRows.Labeled(9))));
        Assert.Equal([1L, 4, 7], run.Ids("test"));
    }

    [Theory]
    [InlineData(5, 5, "fold 5 is out of range for k: 5 (folds are 0 to 4)")]
    [InlineData(3, 7, "fold 7 is out of range for k: 3")]
    public void A_fold_outside_k_fails_clearly(int k, int fold, string expected) =>
        Assert.Contains(expected, _harness.Fails(_kind, new { k, fold }, StepHarness.Input(_harness.Data(TestRows.Labeled(20)))));

    [Fact]
    public void More_folds_than_rows_fails_clearly() =>
        Assert.Contains("k: 5 folds need at least 5 rows, but the input has 3",
            _harness.Fails(_kind, new { k = 5, fold = 0 }, StepHarness.Input(_harness.Data(TestRows.Labeled(3)))));
}

using Experiments.Engine.Kinds;
using Experiments.Steps;
using Experiments.Steps.Data;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Experiments.Engine.Tests.Steps;

public sealed class CancellationTests : IDisposable
{
    private readonly StepHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData("generate.arithmetic")]
    [InlineData("generate.sentiment")]
    [InlineData("split")]
    [InlineData("filter")]
    public void A_cancelled_step_stops(string name)
    {
        StepKind kind = BuiltInKinds.All.Single(k => k.Name == name);
        object? parameters = name == "filter" ? new { field = "id", equals = "1" } : null;
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            _harness.Run(kind, parameters, inputs: StepHarness.Input(_harness.Data(TestRows.Labeled(50))), cancellationToken: cancelled.Token));
    }

    [Property]
    public Property Largest_remainder_sums_to_the_total_and_stays_within_one_of_the_exact_share(NonNegativeInt total, PositiveInt a, NonNegativeInt b, NonNegativeInt c)
    {
        double[] weights = [a.Get, b.Get, c.Get];
        int[] counts = Allocation.LargestRemainder(total.Get, weights);
        double sum = weights.Sum();
        bool withinOne = counts.Select((n, i) => Math.Abs(n - (total.Get * weights[i] / sum))).All(d => d < 1 + 1e-9);
        return (counts.Sum() == total.Get && withinOne && counts.All(n => n >= 0)).ToProperty();
    }
}

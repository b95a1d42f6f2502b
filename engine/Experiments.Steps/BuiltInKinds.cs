using Experiments.Engine.Kinds;
using Experiments.Steps.Kinds;

namespace Experiments.Steps;

/// <summary>Every step kind this library provides, for the registry and <c>exp kinds</c>.</summary>
public static class BuiltInKinds
{
    public static IReadOnlyList<StepKind> All { get; } =
    [
        new GenerateArithmeticKind(),
        new GenerateSentimentKind(),
        new LoadKind(),
        new SplitKind(),
        new KfoldKind(),
        new SampleKind(),
        new FilterKind(),
    ];
}

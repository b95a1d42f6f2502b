using Experiments.Engine.Kinds;

namespace Experiments.Training.Kinds;

/// <summary>The step kinds this library adds to the registry.</summary>
public static class TrainingKinds
{
    public static IReadOnlyList<StepKind> All { get; } =
    [
        new TokenizerKind(),
        new PretrainKind(),
        new FinetuneKind(),
    ];
}

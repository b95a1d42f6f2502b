using Experiments.Engine.Kinds;
using Experiments.Steps;
using Experiments.Training.Kinds;

namespace Experiments.Cli;

/// <summary>Every step kind `exp` knows: the data kinds, then training.</summary>
internal static class KindCatalog
{
    public static IReadOnlyList<StepKind> All { get; } = [.. BuiltInKinds.All, .. TrainingKinds.All];
}

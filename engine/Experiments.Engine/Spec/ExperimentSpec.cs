namespace Experiments.Engine.Spec;

/// <summary>
/// One experiment with its imports merged in: what the graph compiler consumes. The DSL and the
/// MSBuild items both produce this.
/// </summary>
public sealed record ExperimentSpec(
    string Name,
    string File,
    long Seed,
    EquatableArray<ParamStatement> Params,
    EquatableArray<StepDeclaration> Steps,
    EquatableArray<GateStatement> Gates,
    SweepSamplingStatement? Sampler,
    SourceSpan Span)
{
    /// <summary>The experiment's <c>executor</c> statement, checked; null when it has none (then: local).</summary>
    public ExecutorSettings? Executor { get; init; }

    /// <summary>The folder paths in the experiment are relative to.</summary>
    public string BaseDirectory => Path.GetDirectoryName(Path.GetFullPath(File)) ?? ".";
}

/// <summary>A command-line override <c>-p name=value</c>; a comma list becomes a sweep.</summary>
public sealed record ParamOverride(string Name, SpecValue Value);

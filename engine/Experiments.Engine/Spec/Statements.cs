namespace Experiments.Engine.Spec;

/// <summary>One statement of an experiment document.</summary>
public abstract record Statement(SourceSpan Span);

/// <summary><c>seed 1234</c></summary>
public sealed record SeedStatement(long Seed, SourceSpan Span) : Statement(Span);

/// <summary><c>param lr = 3e-4</c>; overridable with <c>-p lr=...</c>.</summary>
public sealed record ParamStatement(string Name, SpecValue Value, SourceSpan Span) : Statement(Span);

/// <summary>
/// <c>data splits = split(reviews, train: 0.8)</c>. <see cref="Category"/> is the leading keyword
/// (data, model, eval, audit, report); it must match what the kind produces.
/// </summary>
public sealed record StepDeclaration(
    string Category,
    string Name,
    string Kind,
    EquatableArray<Argument> Arguments,
    SourceSpan Span,
    SourceSpan NameSpan,
    SourceSpan KindSpan) : Statement(Span);

/// <summary><c>gate scores.accuracy &gt;= 0.8</c> or <c>gate scores.accuracy no_regression(...)</c>.</summary>
public sealed record GateStatement(ReferenceValue Target, GateCondition Condition, SourceSpan Span) : Statement(Span);

public abstract record GateCondition(SourceSpan Span);

/// <summary>Operator is one of <c>&gt;= &gt; &lt;= &lt; == !=</c>.</summary>
public sealed record ComparisonCondition(string Operator, SpecValue Threshold, SourceSpan Span) : GateCondition(Span);

/// <summary><c>no_regression(baseline: ..., tolerance: ..., alpha: ...)</c></summary>
public sealed record NoRegressionCondition(EquatableArray<Argument> Arguments, SourceSpan Span) : GateCondition(Span);

/// <summary><c>import "common.exp"</c>: the imported document's params and steps join this experiment.</summary>
public sealed record ImportStatement(string Path, SourceSpan Span) : Statement(Span);

/// <summary><c>sweep random(8)</c>: run a seeded sample of the sweep's variants instead of all of them.</summary>
public sealed record SweepSamplingStatement(CallValue Sampler, SourceSpan Span) : Statement(Span);

/// <summary><c>executor slurm(partition: "gpu", time: "2:00:00")</c> or <c>executor local</c>: where `exp run` runs the steps.</summary>
public sealed record ExecutorStatement(CallValue Executor, SourceSpan Span) : Statement(Span);

/// <summary>
/// What the parser makes of one file: an optional <c>experiment NAME { ... }</c> block (a file
/// without one is a library for <c>import</c>) and its statements, in source order. Imports written
/// before the block are part of <see cref="Statements"/>.
/// </summary>
public sealed record ExperimentDocument(string Path, string? Name, SourceSpan NameSpan, EquatableArray<Statement> Statements);

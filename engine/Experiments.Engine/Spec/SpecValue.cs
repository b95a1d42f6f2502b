namespace Experiments.Engine.Spec;

/// <summary>A value written in an experiment: the argument of a step, a param, a gate threshold.</summary>
public abstract record SpecValue(SourceSpan Span);

/// <summary>A number as written. <see cref="Text"/> keeps the spelling for messages; keys use <see cref="Value"/>.</summary>
public sealed record NumberValue(double Value, string Text, SourceSpan Span) : SpecValue(Span);

public sealed record StringValue(string Value, SourceSpan Span) : SpecValue(Span);

public sealed record BoolValue(bool Value, SourceSpan Span) : SpecValue(Span);

public sealed record ListValue(EquatableArray<SpecValue> Items, SourceSpan Span) : SpecValue(Span);

/// <summary>A named call such as <c>lora(rank: 8)</c> or <c>cosine(warmup: 0.1)</c>.</summary>
public sealed record CallValue(string Name, EquatableArray<Argument> Arguments, SourceSpan Span) : SpecValue(Span);

/// <summary>
/// A bare name: <c>splits.train</c> (a declaration and one of its outputs), <c>lr</c> (a param),
/// or a symbol such as <c>accuracy</c> where the parameter's type is a choice.
/// </summary>
public sealed record ReferenceValue(string Name, string? Member, SourceSpan Span) : SpecValue(Span)
{
    public string Path => Member is null ? Name : $"{Name}.{Member}";
}

/// <summary>
/// <c>sweep[a, b]</c>: the experiment expands into one variant per value. Sweeps that share a
/// <see cref="Group"/> (<c>sweep.g[...]</c>) change together (zip) instead of multiplying.
/// </summary>
public sealed record SweepValue(string? Group, EquatableArray<SpecValue> Values, SourceSpan Span) : SpecValue(Span);

/// <summary>An argument of a call: named (<c>lr: 1e-4</c>) or positional (<see cref="Name"/> is null).</summary>
public sealed record Argument(string? Name, SpecValue Value, SourceSpan Span);

namespace Experiments.Engine.Spec;

/// <summary>Where a spec node came from: file, 1-based line and column, and length in characters.</summary>
public readonly record struct SourceSpan(string File, int Line, int Column, int Length = 0)
{
    /// <summary>A span for nodes that have no source (command-line overrides use their own file name).</summary>
    public static readonly SourceSpan None = new(string.Empty, 0, 0, 0);

    public bool IsNone => Line == 0;

    public override string ToString() => IsNone ? File : $"{File}({Line},{Column})";
}

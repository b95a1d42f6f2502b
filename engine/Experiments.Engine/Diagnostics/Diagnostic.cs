using Experiments.Engine.Spec;

namespace Experiments.Engine.Diagnostics;

public enum Severity
{
    Error,
    Warning,
}

/// <summary>
/// A user mistake or a problem worth telling about: a code (<c>EXP1xxx</c> syntax, <c>EXP2xxx</c>
/// graph and semantics, <c>EXP3xxx</c> runtime, <c>EXP4xxx</c> gates), a position and a message.
/// </summary>
public sealed record Diagnostic(string Code, Severity Severity, string Message, SourceSpan Span, string? Hint = null)
{
    public static Diagnostic Error(string code, SourceSpan span, string message, string? hint = null) =>
        new(code, Severity.Error, message, span, hint);

    public static Diagnostic Warning(string code, SourceSpan span, string message, string? hint = null) =>
        new(code, Severity.Warning, message, span, hint);

    public bool IsError => Severity == Severity.Error;

    /// <summary>The MSBuild / compiler canonical form: <c>file(line,col): error EXP1234: message</c>.</summary>
    public string Format()
    {
        string severity = Severity == Severity.Error ? "error" : "warning";
        string location = Span.IsNone
            ? (string.IsNullOrEmpty(Span.File) ? "exp" : Span.File)
            : $"{Span.File}({Span.Line},{Span.Column})";
        string hint = Hint is null ? string.Empty : $" {Hint}";
        return $"{location}: {severity} {Code}: {Message}{hint}";
    }

    public override string ToString() => Format();
}

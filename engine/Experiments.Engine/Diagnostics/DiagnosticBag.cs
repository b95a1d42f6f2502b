using Experiments.Engine.Spec;

namespace Experiments.Engine.Diagnostics;

/// <summary>Collects diagnostics while a phase runs, so one pass reports every mistake it can.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => _items.Any(d => d.IsError);

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    public void Error(string code, SourceSpan span, string message, string? hint = null) =>
        _items.Add(Diagnostic.Error(code, span, message, hint));

    public void Warning(string code, SourceSpan span, string message, string? hint = null) =>
        _items.Add(Diagnostic.Warning(code, span, message, hint));
}

using Experiments.Engine.Diagnostics;

namespace Experiments.Cli.Rendering;

/// <summary>
/// Prints diagnostics in the canonical compiler form (<c>file(line,col): error EXP1234: ...</c>,
/// which MSBuild, IDEs and CI annotate), and on a terminal also the source line with a caret.
/// </summary>
internal sealed class DiagnosticRenderer(TextWriter error, bool excerpts)
{
    private readonly Dictionary<string, string[]?> _sources = new(StringComparer.Ordinal);

    public void Write(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (Diagnostic diagnostic in diagnostics)
        {
            Write(diagnostic);
        }
    }

    public void Write(Diagnostic diagnostic)
    {
        error.WriteLine(diagnostic.Format());
        if (!excerpts || diagnostic.Span.IsNone || Lines(diagnostic.Span.File) is not { } lines || diagnostic.Span.Line > lines.Length)
        {
            return;
        }
        string line = lines[diagnostic.Span.Line - 1].Replace('\t', ' ');
        string gutter = diagnostic.Span.Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        int column = Math.Clamp(diagnostic.Span.Column - 1, 0, line.Length);
        int width = Math.Clamp(diagnostic.Span.Length, 1, Math.Max(1, line.Length - column));
        error.WriteLine($" {gutter} | {line}");
        error.WriteLine($" {new string(' ', gutter.Length)} | {new string(' ', column)}{new string('^', width)}");
    }

    private string[]? Lines(string file)
    {
        if (!_sources.TryGetValue(file, out string[]? lines))
        {
            lines = File.Exists(file) ? File.ReadAllLines(file) : null;
            _sources[file] = lines;
        }
        return lines;
    }
}

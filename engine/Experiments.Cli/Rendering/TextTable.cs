using System.Text;

namespace Experiments.Cli.Rendering;

/// <summary>
/// A small table rendered as aligned plain text (terminal, snapshots) or as Markdown. Plain text
/// on purpose: the same bytes on every terminal width, in CI logs and in snapshot files.
/// </summary>
internal sealed class TextTable(params string[] columns)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Columns whose cells align right (numbers).</summary>
    public HashSet<int> RightAligned { get; } = [];

    public int RowCount => _rows.Count;

    public TextTable Add(params string?[] cells)
    {
        _rows.Add(cells.Select(c => c ?? string.Empty).Concat(Enumerable.Repeat(string.Empty, Math.Max(0, columns.Length - cells.Length))).ToArray());
        return this;
    }

    public string Render(bool markdown) => markdown ? Markdown() : Plain();

    public string Plain()
    {
        int[] widths = columns.Select((c, i) => Math.Max(c.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        Line(text, columns, widths);
        Line(text, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (string[] row in _rows)
        {
            Line(text, row, widths);
        }
        return text.ToString();
    }

    private void Line(StringBuilder text, string[] cells, int[] widths)
    {
        for (int i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                text.Append("  ");
            }
            bool last = i == cells.Length - 1;
            text.Append(RightAligned.Contains(i) ? cells[i].PadLeft(widths[i]) : last ? cells[i] : cells[i].PadRight(widths[i]));
        }
        text.Append('\n');
    }

    public string Markdown()
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", columns).Append(" |\n|");
        for (int i = 0; i < columns.Length; i++)
        {
            text.Append(RightAligned.Contains(i) ? "---:|" : "---|");
        }
        text.Append('\n');
        foreach (string[] row in _rows)
        {
            text.Append("| ").AppendJoin(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))).Append(" |\n");
        }
        return text.ToString();
    }
}

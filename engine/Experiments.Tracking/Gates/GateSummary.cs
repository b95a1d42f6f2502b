using System.Text;

namespace Experiments.Tracking.Gates;

/// <summary>The gate results as a Markdown table for a pull-request comment or a CI job summary.</summary>
public static class GateSummary
{
    public static string Markdown(string experiment, string? runId, IReadOnlyList<GateResult> results)
    {
        int failed = results.Count(r => !r.Passed);
        var text = new StringBuilder();
        text.Append("### Gates: ").Append(experiment).Append(" — ")
            .Append(failed == 0 ? "all passed" : $"{failed} of {results.Count} failed").Append('\n');
        if (runId is not null)
        {
            text.Append("\nRun `").Append(runId[..Math.Min(8, runId.Length)]).Append("`.\n");
        }
        text.Append('\n');
        text.Append("| gate | step | metric | baseline | current | delta | interval | verdict |\n");
        text.Append("|---|---|---|---:|---:|---:|---|---|\n");
        foreach (GateResult result in results)
        {
            text.Append("| `").Append(result.Gate.Target.Path).Append(' ').Append(result.Condition).Append("` (line ").Append(result.Gate.Span.Line).Append(")")
                .Append(" | ").Append(Escape(result.NodeId))
                .Append(" | ").Append(result.Metric)
                .Append(" | ").Append(result.Baseline is { } b ? GateEvaluator.Format(b) : "—")
                .Append(" | ").Append(result.Current is { } c ? GateEvaluator.Format(c) : "missing")
                .Append(" | ").Append(result.Delta is { } d ? GateEvaluator.Signed(d) : "—")
                .Append(" | ").Append(result.Low is { } low && result.High is { } high
                    ? $"[{GateEvaluator.Signed(low)}, {GateEvaluator.Signed(high)}] (n={result.Examples})" : "—")
                .Append(" | ").Append(result.Passed ? "✅ pass" : "❌ fail")
                .Append(" |\n");
        }
        foreach (GateResult result in results.Where(r => !r.Passed))
        {
            text.Append("\n- ").Append(Escape(result.Message));
        }
        if (failed > 0)
        {
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}

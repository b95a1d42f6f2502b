using System.Text.Json;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Scheduling;

namespace Experiments.Cli.Rendering;

/// <summary>
/// The <c>--json</c> documents of `exp run` and `exp status` (schema in the README): one object
/// with the experiment, counts and, per step node, id, name, kind, variant, key, status, seconds.
/// </summary>
internal static class JsonReport
{
    public static void WriteRun(
        Stream stream, RunSummary summary, string store, IReadOnlyList<Diagnostic> warnings, int? exitCode = null, Action<Utf8JsonWriter>? tracking = null)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        WriteHeader(writer, summary.Graph, store);
        writer.WriteNumber("exit_code", exitCode ?? summary.ExitCode);
        tracking?.Invoke(writer);
        writer.WriteNumber("engine_seconds", summary.EngineSeconds);
        writer.WriteStartObject("counts");
        foreach (NodeStatus status in Enum.GetValues<NodeStatus>())
        {
            writer.WriteNumber(Name(status), summary.Count(status));
        }
        writer.WriteEndObject();
        writer.WriteStartArray("steps");
        foreach (NodeOutcome outcome in summary.Outcomes)
        {
            writer.WriteStartObject();
            WriteNode(writer, outcome.Node, outcome.Key);
            writer.WriteString("status", Name(outcome.Status));
            writer.WriteNumber("seconds", Math.Round(outcome.Seconds, 6));
            if (outcome.Message is not null)
            {
                writer.WriteString(outcome.Status == NodeStatus.Ran ? "reason" : "message", outcome.Message);
            }
            if (outcome.LogPath is not null)
            {
                writer.WriteString("log", outcome.LogPath);
            }
            if (outcome.JobId is not null)
            {
                writer.WriteString("job", outcome.JobId);
            }
            if (outcome.Entry is not null)
            {
                writer.WriteStartObject("outputs");
                foreach ((string name, var manifest) in outcome.Entry.Outputs)
                {
                    writer.WriteString(name, manifest.Digest);
                }
                writer.WriteEndObject();
                if (outcome.Entry.Metrics.Count > 0)
                {
                    writer.WriteStartObject("metrics");
                    foreach ((string name, double value) in outcome.Entry.Metrics)
                    {
                        writer.WriteNumber(name, value);
                    }
                    writer.WriteEndObject();
                }
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        WriteDiagnostics(writer, warnings);
        writer.WriteEndObject();
    }

    public static void WriteStatus(Stream stream, StepGraph graph, IReadOnlyList<PlannedStep> plan, string store, double engineSeconds)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        WriteHeader(writer, graph, store);
        writer.WriteNumber("engine_seconds", engineSeconds);
        writer.WriteStartObject("counts");
        writer.WriteNumber("cached", plan.Count(p => p.Cached));
        writer.WriteNumber("will_run", plan.Count(p => !p.Cached));
        writer.WriteEndObject();
        writer.WriteStartArray("steps");
        foreach (PlannedStep step in plan)
        {
            writer.WriteStartObject();
            WriteNode(writer, step.Node, step.Key);
            writer.WriteString("status", step.Cached ? "cached" : "will_run");
            writer.WriteStartArray("reasons");
            foreach (string reason in step.Reasons)
            {
                writer.WriteStringValue(reason);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteDiagnosticsOnly(Stream stream, IReadOnlyList<Diagnostic> diagnostics, int exitCode)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteNumber("exit_code", exitCode);
        WriteDiagnostics(writer, diagnostics);
        writer.WriteEndObject();
    }

    private static void WriteHeader(Utf8JsonWriter writer, StepGraph graph, string store)
    {
        writer.WriteString("experiment", graph.ExperimentName);
        writer.WriteString("file", graph.Spec.File);
        writer.WriteString("store", store);
        writer.WriteNumber("variants", graph.VariantCount);
    }

    private static void WriteNode(Utf8JsonWriter writer, StepNode node, string? key)
    {
        writer.WriteString("id", node.Id);
        writer.WriteString("name", node.Name);
        writer.WriteString("kind", node.Kind.Name);
        writer.WriteStartObject("variant");
        foreach ((string dimension, string value) in node.Variant)
        {
            writer.WriteString(dimension, value);
        }
        writer.WriteEndObject();
        if (key is null)
        {
            writer.WriteNull("key");
        }
        else
        {
            writer.WriteString("key", key);
        }
    }

    private static void WriteDiagnostics(Utf8JsonWriter writer, IReadOnlyList<Diagnostic> diagnostics)
    {
        writer.WriteStartArray("diagnostics");
        foreach (Diagnostic d in diagnostics)
        {
            writer.WriteStartObject();
            writer.WriteString("code", d.Code);
            writer.WriteString("severity", d.IsError ? "error" : "warning");
            writer.WriteString("file", d.Span.File);
            writer.WriteNumber("line", d.Span.Line);
            writer.WriteNumber("column", d.Span.Column);
            writer.WriteString("message", d.Hint is null ? d.Message : $"{d.Message} {d.Hint}");
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static string Name(NodeStatus status) => status.ToString().ToLowerInvariant();
}

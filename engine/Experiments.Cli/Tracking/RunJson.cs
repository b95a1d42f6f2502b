using System.Text.Json;
using Experiments.Tracking.Ledger;

namespace Experiments.Cli.Tracking;

/// <summary>A run in the JSON documents of `exp runs` and `exp show`.</summary>
internal static class RunJson
{
    /// <param name="inStore">With <paramref name="full"/>: whether an artifact's blob is still in the store (`exp gc` keeps them; a store copied without its objects does not).</param>
    public static void Write(Utf8JsonWriter writer, RunDetails run, bool full = false, Func<ArtifactRow, bool>? inStore = null)
    {
        writer.WriteStartObject();
        writer.WriteString("id", run.Run.Id);
        writer.WriteString("experiment", run.Run.Experiment);
        writer.WriteString("name", run.Run.Name);
        if (run.Run.ParentId is not null)
        {
            writer.WriteString("parent", run.Run.ParentId);
        }
        writer.WriteString("status", run.Run.Status);
        writer.WriteString("start", run.Run.Start.UtcDateTime.ToString("O"));
        if (run.Run.End is { } end)
        {
            writer.WriteString("end", end.UtcDateTime.ToString("O"));
        }
        writer.WriteString("file", run.Run.File);
        Pairs(writer, "params", run.Params);
        writer.WriteStartObject("metrics");
        foreach ((string key, double value) in run.Metrics)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumber(key, value);
            }
            else
            {
                writer.WriteString(key, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        writer.WriteEndObject();
        Pairs(writer, "tags", run.Tags);
        Strings(writer, "children", run.Children.Select(c => c.Id));
        if (full)
        {
            Strings(writer, "arguments", run.Run.Arguments);
            writer.WriteStartArray("artifacts");
            foreach (ArtifactRow artifact in run.Artifacts)
            {
                writer.WriteStartObject();
                writer.WriteString("path", artifact.Path);
                writer.WriteString("digest", artifact.Digest);
                writer.WriteNumber("size", artifact.Size);
                if (inStore is not null)
                {
                    writer.WriteBoolean("in_store", inStore(artifact));
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("steps");
            foreach (RunStepRow step in run.Steps)
            {
                writer.WriteStartObject();
                writer.WriteString("node", step.Node);
                writer.WriteString("key", step.Key);
                writer.WriteString("status", step.Status);
                writer.WriteString("computed_by", step.OriginRunId);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }

    private static void Pairs(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> pairs)
    {
        writer.WriteStartObject(name);
        foreach ((string key, string value) in pairs)
        {
            writer.WriteString(key, value);
        }
        writer.WriteEndObject();
    }
}

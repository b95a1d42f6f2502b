using System.Text.Json;

namespace Experiments.Engine.Store;

/// <summary>
/// Reads action entries with <see cref="JsonDocument"/> rather than the generated serializer: a
/// no-op run reads thousands of them once each, and the document reader's code is precompiled in
/// the framework, so there is far less to JIT before the first entries are read.
/// </summary>
internal static class ActionEntryReader
{
    public static ActionEntry Read(ReadOnlyMemory<byte> bytes)
    {
        using JsonDocument document = JsonDocument.Parse(bytes);
        return Read(document.RootElement);
    }

    public static ActionEntry Read(JsonElement root)
    {
        var outputs = new SortedDictionary<string, OutputManifest>(StringComparer.Ordinal);
        foreach (JsonProperty output in root.GetProperty("outputs").EnumerateObject())
        {
            var files = new List<OutputFile>();
            foreach (JsonElement file in output.Value.GetProperty("files").EnumerateArray())
            {
                files.Add(new OutputFile(
                    file.GetProperty("path").GetString()!, file.GetProperty("digest").GetString()!, file.GetProperty("size").GetInt64()));
            }
            outputs[output.Name] = new OutputManifest(output.Value.GetProperty("type").GetString()!, output.Value.GetProperty("digest").GetString()!, files);
        }
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (root.TryGetProperty("metrics", out JsonElement metricValues))
        {
            foreach (JsonProperty metric in metricValues.EnumerateObject())
            {
                metrics[metric.Name] = metric.Value.GetDouble();
            }
        }
        return new ActionEntry
        {
            Key = root.GetProperty("key").GetString()!,
            Step = root.GetProperty("step").GetString()!,
            Kind = root.GetProperty("kind").GetString()!,
            Outputs = outputs,
            Metrics = metrics,
            Seconds = root.TryGetProperty("seconds", out JsonElement seconds) ? seconds.GetDouble() : 0,
            Created = root.TryGetProperty("created", out JsonElement created) ? created.GetDateTimeOffset() : default,
        };
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Experiments.Tracking.Gates;

/// <summary>One metric of a baseline: its value and, where the run had them, the per-example scores.</summary>
public sealed record BaselineMetric(double Value, IReadOnlyDictionary<string, double>? Scores);

/// <summary>
/// A committed baseline file (<c>exp baseline update</c> writes it):
/// <c>{"experiment", "run", "commit", "created", "metrics": {"NODE.METRIC": {"value", "n", "scores": {"id": score}}}}</c>.
/// NODE is the step name, with its variant for a sweep (<c>scores[lr=0.1]</c>).
/// </summary>
public static class BaselineDocument
{
    public static IReadOnlyDictionary<string, BaselineMetric> Read(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        var metrics = new Dictionary<string, BaselineMetric>(StringComparer.Ordinal);
        if (!document.RootElement.TryGetProperty("metrics", out JsonElement items) || items.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("a baseline file has a \"metrics\" object.");
        }
        foreach (JsonProperty item in items.EnumerateObject())
        {
            if (item.Value.ValueKind == JsonValueKind.Number)
            {
                metrics[item.Name] = new BaselineMetric(item.Value.GetDouble(), null);
                continue;
            }
            double value = item.Value.GetProperty("value").GetDouble();
            Dictionary<string, double>? scores = null;
            if (item.Value.TryGetProperty("scores", out JsonElement perExample) && perExample.ValueKind == JsonValueKind.Object)
            {
                scores = perExample.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
            }
            metrics[item.Name] = new BaselineMetric(value, scores);
        }
        return metrics;
    }

    /// <summary>Writes (merging into an existing file: other metrics stay) with stable, sorted keys.</summary>
    public static void Write(string path, string experiment, string run, string? commit, DateTimeOffset created, IReadOnlyDictionary<string, BaselineMetric> metrics)
    {
        JsonObject existing = File.Exists(path) && JsonNode.Parse(File.ReadAllText(path)) is JsonObject parsed ? parsed : [];
        JsonObject all = existing["metrics"] as JsonObject ?? [];
        foreach ((string key, BaselineMetric metric) in metrics)
        {
            var item = new JsonObject { ["value"] = metric.Value };
            if (metric.Scores is { } scores)
            {
                item["n"] = scores.Count;
                var perExample = new JsonObject();
                foreach ((string id, double score) in scores.OrderBy(s => s.Key, StringComparer.Ordinal))
                {
                    perExample[id] = score;
                }
                item["scores"] = perExample;
            }
            all[key] = item;
        }
        var sorted = new JsonObject();
        foreach (KeyValuePair<string, JsonNode?> entry in all.OrderBy(e => e.Key, StringComparer.Ordinal).ToList())
        {
            all.Remove(entry.Key);
            sorted[entry.Key] = entry.Value;
        }
        var document = new JsonObject
        {
            ["experiment"] = experiment,
            ["run"] = run,
            ["commit"] = commit,
            ["created"] = created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["metrics"] = sorted,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}

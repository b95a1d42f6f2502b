using System.Globalization;
using System.Text.Json;
using Experiments.Engine.Kinds;
using Experiments.Engine.Store;

namespace Experiments.Tracking.Gates;

/// <summary>
/// Reads what an evaluation step wrote into its <see cref="ArtifactType.Metrics"/> output:
/// <c>metrics.json</c> (<c>{"metrics": {"accuracy": {"value", "ci_low", "ci_high", "n", "method"}}}</c>)
/// and <c>predictions.jsonl</c> (rows <c>{"id", "prediction", "reference", "scores": {"accuracy": 0|1}}</c>).
/// </summary>
public static class ExampleScores
{
    public const string MetricsFile = "metrics.json";
    public const string PredictionsFile = "predictions.jsonl";

    /// <summary>A metric's value from the entry's scalar results, else from its metrics document.</summary>
    public static double? Value(ContentStore store, ActionEntry entry, string metric)
    {
        if (entry.Metrics.TryGetValue(metric, out double value))
        {
            return value;
        }
        if (FindFile(store, entry, MetricsFile) is { } path)
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.TryGetProperty("metrics", out JsonElement metrics)
                && metrics.TryGetProperty(metric, out JsonElement item)
                && (item.ValueKind == JsonValueKind.Number ? item : item.TryGetProperty("value", out JsonElement v) ? v : default) is { ValueKind: JsonValueKind.Number } number)
            {
                return number.GetDouble();
            }
        }
        return null;
    }

    /// <summary>Per-example scores of a metric by example id; null when the step wrote none.</summary>
    public static IReadOnlyDictionary<string, double>? Scores(ContentStore store, ActionEntry entry, string metric)
    {
        if (FindFile(store, entry, PredictionsFile) is not { } path)
        {
            return null;
        }
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            using JsonDocument row = JsonDocument.Parse(line);
            if (row.RootElement.TryGetProperty("id", out JsonElement id)
                && row.RootElement.TryGetProperty("scores", out JsonElement values)
                && values.TryGetProperty(metric, out JsonElement score)
                && score.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                string key = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();
                scores[key] = score.ValueKind switch
                {
                    JsonValueKind.True => 1,
                    JsonValueKind.False => 0,
                    _ => score.GetDouble(),
                };
            }
        }
        return scores.Count == 0 ? null : scores;
    }

    /// <summary>The metrics a step reports, for "did you mean" messages.</summary>
    public static IReadOnlyList<string> Available(ContentStore store, ActionEntry entry)
    {
        var names = new SortedSet<string>(entry.Metrics.Keys, StringComparer.Ordinal);
        if (FindFile(store, entry, MetricsFile) is { } path)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
                if (document.RootElement.TryGetProperty("metrics", out JsonElement metrics) && metrics.ValueKind == JsonValueKind.Object)
                {
                    foreach (JsonProperty property in metrics.EnumerateObject())
                    {
                        names.Add(property.Name);
                    }
                }
            }
            catch (JsonException)
            {
            }
        }
        return [.. names];
    }

    private static string? FindFile(ContentStore store, ActionEntry entry, string name)
    {
        foreach (OutputManifest output in entry.Outputs.Values.Where(o => o.Type == nameof(ArtifactType.Metrics)))
        {
            if (output.Files.FirstOrDefault(f => f.Path == name) is { } file)
            {
                return store.ObjectPath(file.Digest);
            }
        }
        return null;
    }

    internal static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}

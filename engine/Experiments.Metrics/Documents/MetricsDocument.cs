using System.Text.Json;
using System.Text.Json.Serialization;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Documents;

/// <summary>
/// What the evaluate and audit steps write and the gates read (schema in the README, "The
/// metrics document"): every metric with its value, interval, n and method; for an audit, the
/// same per group; and free-form string facts about the run (model, data, seed).
/// </summary>
public sealed record MetricsDocument
{
    public const int CurrentSchema = 1;

    public int Schema { get; init; } = CurrentSchema;

    /// <summary>Metric name (snake_case, e.g. "accuracy", "f1_macro", "demographic_parity_difference") to estimate.</summary>
    public SortedDictionary<string, MetricEstimate> Metrics { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Audit only: attribute → group → that group's size and metrics.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SortedDictionary<string, SortedDictionary<string, GroupEntry>>? Groups { get; init; }

    /// <summary>Free-form facts (model digest, data digest, predictions file name, decoding settings).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SortedDictionary<string, string>? Info { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, MetricsJson.Document) + "\n";

    /// <summary>Writes beside and renames, so a reader never sees half a document.</summary>
    public void Write(string path)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, ToJson());
        File.Move(temporary, path, overwrite: true);
    }

    public static MetricsDocument Parse(string json, string source = "metrics document")
    {
        MetricsDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<MetricsDocument>(json, MetricsJson.Document);
        }
        catch (JsonException e)
        {
            throw new MetricsDocumentException($"{source}: not a metrics document: {e.Message}", e);
        }
        if (document is null)
        {
            throw new MetricsDocumentException($"{source}: empty metrics document");
        }
        if (document.Schema != CurrentSchema)
        {
            throw new MetricsDocumentException($"{source}: schema {document.Schema} is not supported (this build reads schema {CurrentSchema})");
        }
        foreach ((string name, MetricEstimate estimate) in document.Metrics)
        {
            if (estimate is null || string.IsNullOrEmpty(estimate.Method))
            {
                throw new MetricsDocumentException($"{source}: metric '{name}' has no method");
            }
        }
        return document;
    }

    public static MetricsDocument Read(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>The estimate of <paramref name="name"/>, or an error that lists the metrics there are.</summary>
    public MetricEstimate Get(string name) =>
        Metrics.TryGetValue(name, out MetricEstimate? estimate)
            ? estimate
            : throw new MetricsDocumentException($"no metric '{name}' (have: {string.Join(", ", Metrics.Keys)})");
}

/// <summary>One group of an audit: its size and its metrics.</summary>
public sealed record GroupEntry(long N, SortedDictionary<string, MetricEstimate> Metrics);

/// <summary>A metrics document or predictions file that cannot be read; the message names the file and the problem.</summary>
public sealed class MetricsDocumentException : Exception
{
    public MetricsDocumentException(string message)
        : base(message)
    {
    }

    public MetricsDocumentException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

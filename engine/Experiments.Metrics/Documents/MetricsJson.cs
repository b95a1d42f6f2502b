using System.Text.Json;
using System.Text.Json.Serialization;

namespace Experiments.Metrics.Documents;

/// <summary>
/// The JSON settings of the metrics document and the predictions file: snake_case names,
/// undefined numbers as the strings "NaN" / "Infinity" (JSON has no literal for them), compact
/// lines for JSONL and indented text for the document.
/// </summary>
internal static class MetricsJson
{
    public static JsonSerializerOptions Document { get; } = Create(indented: true);

    public static JsonSerializerOptions Lines { get; } = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = indented,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };
}

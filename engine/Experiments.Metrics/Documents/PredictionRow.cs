using System.Text.Json;
using System.Text.Json.Serialization;

namespace Experiments.Metrics.Documents;

/// <summary>
/// One line of the per-example predictions file (JSONL): the example's id (its pairing key across
/// runs), what the model produced and what was expected (any JSON value: a label, a string), and
/// the example's score per metric (1/0 for accuracy, a sentence BLEU, ...). Two runs on the same
/// data pair their rows by id for the paired tests.
/// </summary>
public sealed record PredictionRow
{
    [JsonConverter(typeof(IdConverter))]
    public required string Id { get; init; }

    public JsonElement? Prediction { get; init; }

    public JsonElement? Reference { get; init; }

    public SortedDictionary<string, double> Scores { get; init; } = new(StringComparer.Ordinal);

    /// <summary>A JSON value for <see cref="Prediction"/> or <see cref="Reference"/>.</summary>
    public static JsonElement Value<T>(T value) => JsonSerializer.SerializeToElement(value);

    /// <summary>Ids may be written as numbers or strings; both read as strings.</summary>
    private sealed class IdConverter : JsonConverter<string>
    {
        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString()!,
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
            _ => throw new JsonException($"an id must be a string or a number, not {reader.TokenType}"),
        };

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Experiments.Engine.Compile;
using Experiments.Engine.Execution;

namespace Experiments.Steps.Data;

/// <summary>One row of a dataset and the line of the file it came from (1-based).</summary>
public sealed record JsonlRow(int LineNumber, JsonObject Value);

/// <summary>
/// The Data artifact format: a folder holding <c>data.jsonl</c>, one JSON object per line, <c>\n</c>
/// line endings, UTF-8 without BOM, properties in the order the row was built or read, numbers in
/// one canonical spelling (integers without a fraction, others round-trip invariant). Writing the
/// same rows always gives the same bytes.
/// </summary>
public static class JsonlDataset
{
    public const string FileName = "data.jsonl";

    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>The readable <c>data.jsonl</c> of a Data input.</summary>
    public static string InputPath(StepContext context, string inputName) => context.Input(inputName).File(FileName);

    /// <summary>How messages name a Data input: <c>input 'data', data.jsonl</c>.</summary>
    public static string InputDisplayName(string inputName) => $"input '{inputName}', {FileName}";

    /// <summary>
    /// Reads the rows of a JSONL file. Blank lines are skipped; a line that is not a JSON object fails
    /// the step with <c>DISPLAY:LINE: ...</c>.
    /// </summary>
    public static IEnumerable<JsonlRow> Read(string path, string displayName, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var lines = new LineReader(stream);
        int lineNumber = 0;
        while (lines.Next())
        {
            cancellationToken.ThrowIfCancellationRequested();
            lineNumber++;
            if (lines.IsBlank(skipBom: lineNumber == 1))
            {
                continue;
            }
            yield return new JsonlRow(lineNumber, ParseObject(lines.Current(skipBom: lineNumber == 1), displayName, lineNumber));
        }
    }

    /// <summary>Parses one line as a JSON object, or fails the step naming the line.</summary>
    public static JsonObject ParseObject(string text, string displayName, int line) =>
        ParseObject(Encoding.UTF8.GetBytes(text), displayName, line);

    /// <summary>Parses one line of UTF-8 as a JSON object, or fails the step naming the line.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8, string displayName, int line)
    {
        if (!Utf8.IsValid(utf8))
        {
            throw new StepFailedException($"{displayName}:{line}: the line is not valid UTF-8.");
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8);
            if (node is JsonObject obj)
            {
                // Materialise the properties now, so a duplicate key fails here, with the line.
                _ = obj.Count;
                return obj;
            }
        }
        catch (JsonException e)
        {
            throw new StepFailedException($"{displayName}:{line}: invalid JSON: {DescribeJsonError(e)}");
        }
        catch (ArgumentException e)
        {
            throw new StepFailedException($"{displayName}:{line}: invalid JSON: {e.Message}");
        }
        string found = node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();
        throw new StepFailedException($"{displayName}:{line}: expected a JSON object, found {found}.");
    }

    /// <summary>The canonical bytes of one row, without the trailing newline.</summary>
    public static byte[] ToBytes(JsonObject row)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteNode(writer, row);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The canonical one-line JSON text of a value.</summary>
    public static string ToJson(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteNode(writer, node);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The string form of a field's value, used wherever a value is compared or grouped (filter,
    /// stratify): a JSON string is its text, anything else its canonical JSON (<c>1</c>, <c>true</c>,
    /// <c>null</c>, <c>[1,2]</c>). So the number <c>1</c> and the string <c>"1"</c> compare equal.
    /// </summary>
    public static string ValueText(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : ToJson(node);

    /// <summary>Writes a value in canonical form (see <see cref="CanonicalNumber"/>).</summary>
    public static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (KeyValuePair<string, JsonNode?> property in obj)
                {
                    writer.WritePropertyName(property.Key);
                    WriteNode(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (JsonNode? item in array)
                {
                    WriteNode(writer, item);
                }
                writer.WriteEndArray();
                break;
            case JsonValue value:
                WriteValue(writer, value);
                break;
            default:
                throw new InvalidOperationException($"Unexpected JSON node {node.GetType().Name}.");
        }
    }

    /// <summary>
    /// One spelling per number: an integer that fits a long is written without fraction or exponent
    /// (<c>1.0</c> and <c>1e0</c> become <c>1</c>); any other finite number as <see cref="CanonicalValue.FormatNumber"/>
    /// writes it; a number out of double range keeps its source text.
    /// </summary>
    public static string CanonicalNumber(string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
        {
            return integer.ToString(CultureInfo.InvariantCulture);
        }
        double value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(value) ? CanonicalValue.FormatNumber(value) : text;
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                writer.WriteStringValue(value.GetValue<string>());
                break;
            case JsonValueKind.Number when value.TryGetValue(out long integer):
                writer.WriteNumberValue(integer);
                break;
            case JsonValueKind.Number when value.TryGetValue(out int small):
                writer.WriteNumberValue(small);
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(CanonicalNumber(value.ToJsonString()), skipInputValidation: true);
                break;
            case JsonValueKind.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonValueKind.False:
                writer.WriteBooleanValue(false);
                break;
            case JsonValueKind.Null:
                writer.WriteNullValue();
                break;
            default:
                WriteNode(writer, JsonNode.Parse(value.ToJsonString()));
                break;
        }
    }

    private static string DescribeJsonError(JsonException e)
    {
        string message = e.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }
        return e.BytePositionInLine is long column ? $"{message} (at byte {column + 1})" : message;
    }
}

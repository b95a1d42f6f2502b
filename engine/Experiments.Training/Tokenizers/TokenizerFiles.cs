using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Experiments.Engine.Execution;

namespace Experiments.Training.Tokenizers;

/// <summary>
/// Reads and writes <c>tokenizer.json</c>: a JSON object with <c>"format"</c> (this version writes and
/// reads 1), <c>"type"</c> (which implementation rebuilds it) and that implementation's fields.
/// Writing the same tokenizer always gives the same bytes, so an unchanged tokenizer stops a rebuild.
/// </summary>
internal static class TokenizerFiles
{
    public const int Format = 1;

    public static readonly IReadOnlyList<string> Types = ["char", "bpe", "gpt2"];

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = true,
    };

    public static TextTokenizer Load(string directory)
    {
        string path = Path.Combine(directory, TextTokenizer.FileName);
        return Read(path, path);
    }

    public static TextTokenizer Load(StepContext context, string inputName)
    {
        // A missing file fails the step here, naming the files the input has.
        string path = context.Input(inputName).File(TextTokenizer.FileName);
        try
        {
            return Read(path, $"input '{inputName}', {TextTokenizer.FileName}");
        }
        catch (InvalidDataException e)
        {
            throw new StepFailedException(e.Message);
        }
    }

    /// <summary>Writes <c>{"format":1,"type":TYPE, ...}</c>, the rest written by <paramref name="writeFields"/>.</summary>
    public static void Write(string directory, string type, Action<Utf8JsonWriter> writeFields)
    {
        Directory.CreateDirectory(directory);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("format", Format);
            writer.WriteString("type", type);
            writeFields(writer);
            writer.WriteEndObject();
        }
        using var stream = new FileStream(Path.Combine(directory, TextTokenizer.FileName), FileMode.Create, FileAccess.Write);
        stream.Write(buffer.WrittenSpan);
        stream.WriteByte((byte)'\n');
    }

    private static TextTokenizer Read(string path, string displayName)
    {
        TokenizerJson file = TokenizerJson.Open(path, displayName);
        long format = file.Int("format");
        if (format != Format)
        {
            throw file.Error($"format {format} is not supported (this version reads format {Format}).");
        }
        string type = file.String("type");
        return type switch
        {
            "char" => CharTokenizer.FromJson(file),
            "bpe" => BpeTokenizer.FromJson(file),
            "gpt2" => Gpt2Tokenizer.Instance,
            _ => throw file.Error($"unknown tokenizer type '{type}' (known: {string.Join(", ", Types)})."),
        };
    }
}

/// <summary>The fields of one <c>tokenizer.json</c>, read with messages that name the file.</summary>
internal sealed class TokenizerJson
{
    private readonly JsonObject _root;

    private TokenizerJson(JsonObject root, string displayName)
    {
        _root = root;
        DisplayName = displayName;
    }

    public string DisplayName { get; }

    public static TokenizerJson Open(string path, string displayName)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"{displayName}: no such file (a tokenizer folder holds {TextTokenizer.FileName}, written by a tokenizer step).");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{displayName}: cannot be read: {e.Message}");
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{displayName}: not valid JSON: {e.Message}");
        }
        return node is JsonObject root
            ? new TokenizerJson(root, displayName)
            : throw new InvalidDataException($"{displayName}: expected a JSON object.");
    }

    public InvalidDataException Error(string message) => new($"{DisplayName}: {message}");

    public long Int(string name) =>
        Field(name) is JsonValue value && value.TryGetValue(out long number)
            ? number
            : throw Error($"field '{name}' must be an integer.");

    public string String(string name) =>
        Field(name) is JsonValue value && value.TryGetValue(out string? text)
            ? text
            : throw Error($"field '{name}' must be a string.");

    public IReadOnlyList<string> Strings(string name) =>
        Field(name) is JsonArray array
            ? array.Select((item, i) => AsString(item) ?? throw Error($"{name}[{i}] must be a string.")).ToArray()
            : throw Error($"field '{name}' must be a list of strings.");

    /// <summary>A list of two-string lists: <c>[["a","b"], ...]</c>.</summary>
    public IReadOnlyList<(string Left, string Right)> StringPairs(string name) =>
        Field(name) is JsonArray array
            ? array.Select((item, i) => item is JsonArray { Count: 2 } pair && AsString(pair[0]) is string left && AsString(pair[1]) is string right
                ? (left, right)
                : throw Error($"{name}[{i}] must be a list of two strings.")).ToArray()
            : throw Error($"field '{name}' must be a list of string pairs.");

    private JsonNode Field(string name) =>
        _root.TryGetPropertyValue(name, out JsonNode? node) && node is not null ? node : throw Error($"field '{name}' is missing.");

    private static string? AsString(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}

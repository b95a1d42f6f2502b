using System.Text;
using System.Text.Json;

namespace Experiments.Training.Tokenizers;

/// <summary>
/// The id ↔ token table shared by the trained tokenizers (char, bpe): id 0 is <c>&lt;|endoftext|&gt;</c>,
/// id 1 is <c>&lt;unk&gt;</c> (any character the training corpus did not have), the corpus' tokens
/// follow. Decoding concatenates token texts; <c>&lt;unk&gt;</c> decodes to U+FFFD, the Unicode
/// replacement character, since the character it stood for is lost.
/// </summary>
internal sealed class Vocabulary
{
    public const int EndOfText = 0;
    public const int Unknown = 1;
    public const string UnknownText = "<unk>";
    public const string UnknownDecoded = "\uFFFD";
    public const string Field = "tokens";

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    private Vocabulary(string[] tokens)
    {
        _tokens = tokens;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int id = Unknown + 1; id < tokens.Length; id++)
        {
            if (tokens[id].Length == 0 || !_ids.TryAdd(tokens[id], id))
            {
                throw new ArgumentException($"Token {id} ('{tokens[id]}') is empty or repeats an earlier one.", nameof(tokens));
            }
        }
    }

    public IReadOnlyList<string> Tokens => _tokens;

    public int Count => _tokens.Length;

    /// <summary>A vocabulary of the special tokens followed by <paramref name="regular"/>, in order.</summary>
    public static Vocabulary Create(IEnumerable<string> regular) =>
        new([TextTokenizer.EndOfTextText, UnknownText, .. regular]);

    public static Vocabulary FromJson(TokenizerJson file)
    {
        IReadOnlyList<string> tokens = file.Strings(Field);
        if (tokens.Count < 2 || tokens[EndOfText] != TextTokenizer.EndOfTextText || tokens[Unknown] != UnknownText)
        {
            throw file.Error($"'{Field}' must start with \"{TextTokenizer.EndOfTextText}\" and \"{UnknownText}\".");
        }
        try
        {
            return new Vocabulary([.. tokens]);
        }
        catch (ArgumentException e)
        {
            throw file.Error($"'{Field}': {e.Message}");
        }
    }

    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartArray(Field);
        foreach (string token in _tokens)
        {
            writer.WriteStringValue(token);
        }
        writer.WriteEndArray();
    }

    /// <summary>The id of a regular (non-special) token.</summary>
    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    public string Decode(ReadOnlySpan<int> ids)
    {
        var text = new StringBuilder(ids.Length * 2);
        foreach (int id in ids)
        {
            text.Append(id == Unknown ? UnknownDecoded : _tokens[id]);
        }
        return text.ToString();
    }

    /// <summary>
    /// The stretches of <paramref name="text"/> between literal end-of-text markers: k markers give
    /// k + 1 stretches (some maybe empty). Encoders emit <see cref="EndOfText"/> between stretches.
    /// </summary>
    public static IEnumerable<ReadOnlyMemory<char>> Stretches(string text)
    {
        int start = 0;
        while (true)
        {
            int at = text.IndexOf(TextTokenizer.EndOfTextText, start, StringComparison.Ordinal);
            if (at < 0)
            {
                yield return text.AsMemory(start);
                yield break;
            }
            yield return text.AsMemory(start, at - start);
            start = at + TextTokenizer.EndOfTextText.Length;
        }
    }

    /// <summary>Encodes <paramref name="text"/>: each stretch by <paramref name="encodeStretch"/>, markers as <see cref="EndOfText"/>.</summary>
    public static int[] Encode(string text, StretchEncoder encodeStretch)
    {
        var ids = new List<int>(text.Length);
        bool first = true;
        foreach (ReadOnlyMemory<char> stretch in Stretches(text))
        {
            if (!first)
            {
                ids.Add(EndOfText);
            }
            first = false;
            encodeStretch(stretch.Span, ids);
        }
        return [.. ids];
    }
}

/// <summary>Appends the ids of a stretch of text without end-of-text markers.</summary>
internal delegate void StretchEncoder(ReadOnlySpan<char> stretch, List<int> ids);

using System.Text;

namespace Experiments.Training.Tokenizers;

/// <summary>
/// <c>char</c>: one token per Unicode scalar value (code point) seen in the training corpus, sorted by
/// value, after <c>&lt;|endoftext|&gt;</c> (id 0) and <c>&lt;unk&gt;</c> (id 1, any character not seen).
/// Scalar values rather than grapheme clusters: a combining accent or an emoji sequence shares its
/// parts with other text instead of growing the vocabulary by every combination. Text that is not
/// valid UTF-16 (a lone surrogate) reads as U+FFFD, as everywhere in .NET.
/// </summary>
public sealed class CharTokenizer : TextTokenizer
{
    private readonly Vocabulary _vocabulary;
    private readonly Dictionary<int, int> _ids = [];

    private CharTokenizer(Vocabulary vocabulary)
    {
        _vocabulary = vocabulary;
        for (int id = Vocabulary.Unknown + 1; id < vocabulary.Count; id++)
        {
            string token = vocabulary.Tokens[id];
            if (Rune.DecodeFromUtf16(token, out Rune rune, out int length) != System.Buffers.OperationStatus.Done || length != token.Length)
            {
                throw new ArgumentException($"Token {id} ('{token}') is not a single character.");
            }
            _ids.Add(rune.Value, id);
        }
    }

    public override string Type => "char";

    public override int VocabSize => _vocabulary.Count;

    public override int EndOfText => Vocabulary.EndOfText;

    /// <summary>The id of <c>&lt;unk&gt;</c>: what a character the training corpus lacked encodes to.</summary>
    public int Unknown => Vocabulary.Unknown;

    /// <summary>Every token's text, by id.</summary>
    public IReadOnlyList<string> Tokens => _vocabulary.Tokens;

    /// <summary>A tokenizer of the distinct characters of <paramref name="corpus"/> (end-of-text markers in it excluded).</summary>
    public static CharTokenizer Train(IEnumerable<string> corpus)
    {
        var seen = new HashSet<int>();
        foreach (string text in corpus)
        {
            foreach (ReadOnlyMemory<char> stretch in Vocabulary.Stretches(text))
            {
                foreach (Rune rune in stretch.Span.EnumerateRunes())
                {
                    seen.Add(rune.Value);
                }
            }
        }
        return new CharTokenizer(Vocabulary.Create(seen.Order().Select(value => new Rune(value).ToString())));
    }

    public override int[] Encode(string text) => Vocabulary.Encode(text, EncodeStretch);

    public override string Decode(ReadOnlySpan<int> ids)
    {
        CheckIds(ids);
        return _vocabulary.Decode(ids);
    }

    public override void Save(string directory) => TokenizerFiles.Write(directory, Type, _vocabulary.WriteJson);

    internal static CharTokenizer FromJson(TokenizerJson file)
    {
        Vocabulary vocabulary = Vocabulary.FromJson(file);
        try
        {
            return new CharTokenizer(vocabulary);
        }
        catch (ArgumentException e)
        {
            throw file.Error($"'{Vocabulary.Field}': {e.Message}");
        }
    }

    private void EncodeStretch(ReadOnlySpan<char> stretch, List<int> ids)
    {
        foreach (Rune rune in stretch.EnumerateRunes())
        {
            ids.Add(_ids.TryGetValue(rune.Value, out int id) ? id : Vocabulary.Unknown);
        }
    }
}

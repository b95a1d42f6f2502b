namespace Experiments.Training.Tokenizers;

/// <summary>
/// Splits text into the words BPE merges within (merges never cross a word boundary), by GPT-2's
/// rule, the regular expression
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>: a word is an
/// optional single leading space plus a run of letters, of digits, or of other non-space characters;
/// English contractions stand alone; a run of whitespace is its own word, leaving its last space to
/// the word that follows. The words of a text concatenate back to exactly that text.
/// </summary>
/// <remarks>
/// Hand-written rather than a <c>Regex</c>: the scan runs once per character of the corpus and a
/// step runs once per process, where regex code runs unoptimised for too long (measured here: word
/// counting of 3.5 M characters took about 1.8 s cold with the generated regex). The tests check it
/// against the regular expression above on arbitrary text. Character classes are per UTF-16 unit,
/// as in .NET's regex (<c>\s</c> = <see cref="char.IsWhiteSpace(char)"/>, <c>\p{L}</c> =
/// <see cref="char.IsLetter(char)"/>, <c>\p{N}</c> = <see cref="char.IsNumber(char)"/>); surrogates
/// fall in the "other" class together, so a pair is never split.
/// </remarks>
internal static class PreTokenizer
{
    /// <summary>The name <c>tokenizer.json</c> records for this rule.</summary>
    public const string Name = "gpt2";

    /// <summary>The length of the word starting at <paramref name="text"/>[0]; <paramref name="text"/> must not be empty.</summary>
    public static int NextWord(ReadOnlySpan<char> text)
    {
        if (text[0] == '\'' && ContractionLength(text) is > 0 and int contraction)
        {
            return contraction;
        }
        int start = text[0] == ' ' && text.Length > 1 && !char.IsWhiteSpace(text[1]) ? 1 : 0;
        char first = text[start];
        if (char.IsWhiteSpace(first))
        {
            int end = 1;
            while (end < text.Length && char.IsWhiteSpace(text[end]))
            {
                end++;
            }
            // \s+(?!\S): a run followed by a non-space gives up its last space to the next word.
            return end == text.Length || end == 1 ? end : end - 1;
        }
        int length = start + 1;
        if (char.IsLetter(first))
        {
            while (length < text.Length && char.IsLetter(text[length]))
            {
                length++;
            }
        }
        else if (char.IsNumber(first))
        {
            while (length < text.Length && char.IsNumber(text[length]))
            {
                length++;
            }
        }
        else
        {
            while (length < text.Length && !char.IsWhiteSpace(text[length]) && !char.IsLetter(text[length]) && !char.IsNumber(text[length]))
            {
                length++;
            }
        }
        return length;
    }

    /// <summary>The words of <paramref name="text"/>, as (start, length) in order.</summary>
    public static Enumerator Words(ReadOnlySpan<char> text) => new(text);

    private static int ContractionLength(ReadOnlySpan<char> text)
    {
        if (text.Length < 2)
        {
            return 0;
        }
        char second = text[1];
        if (second is 's' or 't' or 'm' or 'd')
        {
            return 2;
        }
        if (text.Length >= 3 && ((second == 'r' && text[2] == 'e') || (second == 'v' && text[2] == 'e') || (second == 'l' && text[2] == 'l')))
        {
            return 3;
        }
        return 0;
    }

    /// <summary>Walks the words of a text without allocating: <c>foreach (Range word in PreTokenizer.Words(text))</c>.</summary>
    public ref struct Enumerator(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private int _next;

        public Range Current { get; private set; }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_next >= _text.Length)
            {
                return false;
            }
            int start = _next;
            _next += NextWord(_text[start..]);
            Current = start.._next;
            return true;
        }
    }
}

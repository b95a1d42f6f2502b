using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Experiments.Training.Tokenizers;

/// <summary>
/// <c>bpe</c>: byte-pair encoding over characters, trained on the experiment's corpus (see
/// <see cref="BpeTrainer"/>). The base alphabet is the corpus' Unicode scalar values (a character it
/// lacked encodes to <c>&lt;unk&gt;</c>, id 1; <c>&lt;|endoftext|&gt;</c> is id 0); text is split into
/// words by <see cref="PreTokenizer"/> (GPT-2's rule: a leading space belongs to the word after it),
/// and each word's characters are merged pair by pair, always the pair of lowest merge rank first,
/// every occurrence of it left to right, as training did. Words are cached once encoded.
/// </summary>
public sealed class BpeTokenizer : TextTokenizer
{
    private const int CacheLimit = 1 << 16;

    private readonly Vocabulary _vocabulary;
    private readonly (string Left, string Right)[] _merges;
    private readonly Dictionary<int, int> _runeIds = [];
    private readonly Dictionary<long, (int Rank, int Id)> _ranks = [];
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private int _cached;

    internal BpeTokenizer(Vocabulary vocabulary, IReadOnlyList<(string Left, string Right)> merges)
    {
        _vocabulary = vocabulary;
        _merges = [.. merges];
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        for (int id = Vocabulary.Unknown + 1; id < vocabulary.Count; id++)
        {
            string token = vocabulary.Tokens[id];
            if (Rune.DecodeFromUtf16(token, out Rune rune, out int length) == System.Buffers.OperationStatus.Done && length == token.Length)
            {
                _runeIds.Add(rune.Value, id);
            }
        }
        for (int rank = 0; rank < _merges.Length; rank++)
        {
            (string left, string right) = _merges[rank];
            if (!vocabulary.TryGetId(left, out int a) || !vocabulary.TryGetId(right, out int b) || !vocabulary.TryGetId(left + right, out int merged))
            {
                throw new ArgumentException($"Merge {rank} ('{left}' + '{right}') names a token that is not in the vocabulary.");
            }
            if (!_ranks.TryAdd(Pair(a, b), (rank, merged)))
            {
                throw new ArgumentException($"Merge {rank} ('{left}' + '{right}') repeats an earlier merge.");
            }
        }
    }

    public override string Type => "bpe";

    public override int VocabSize => _vocabulary.Count;

    public override int EndOfText => Vocabulary.EndOfText;

    /// <summary>The id of <c>&lt;unk&gt;</c>: what a character the training corpus lacked encodes to.</summary>
    public int Unknown => Vocabulary.Unknown;

    /// <summary>Every token's text, by id.</summary>
    public IReadOnlyList<string> Tokens => _vocabulary.Tokens;

    /// <summary>The learned merges, by rank (first learned first).</summary>
    public IReadOnlyList<(string Left, string Right)> Merges => _merges;

    /// <summary>Learns a tokenizer of at most <paramref name="vocabSize"/> tokens from <paramref name="corpus"/> (see <see cref="BpeTrainer"/>).</summary>
    public static BpeTokenizer Train(IEnumerable<string> corpus, int vocabSize) => BpeTrainer.Train(corpus, vocabSize);

    public override int[] Encode(string text) => Vocabulary.Encode(text, EncodeStretch);

    public override string Decode(ReadOnlySpan<int> ids)
    {
        CheckIds(ids);
        return _vocabulary.Decode(ids);
    }

    public override void Save(string directory) => TokenizerFiles.Write(directory, Type, writer =>
    {
        writer.WriteString("pre_tokenizer", PreTokenizer.Name);
        _vocabulary.WriteJson(writer);
        writer.WriteStartArray("merges");
        foreach ((string left, string right) in _merges)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(left);
            writer.WriteStringValue(right);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    });

    internal static BpeTokenizer FromJson(TokenizerJson file)
    {
        string preTokenizer = file.String("pre_tokenizer");
        if (preTokenizer != PreTokenizer.Name)
        {
            throw file.Error($"unknown pre_tokenizer '{preTokenizer}' (known: {PreTokenizer.Name}).");
        }
        Vocabulary vocabulary = Vocabulary.FromJson(file);
        try
        {
            return new BpeTokenizer(vocabulary, file.StringPairs("merges"));
        }
        catch (ArgumentException e)
        {
            throw file.Error($"'merges': {e.Message}");
        }
    }

    internal static long Pair(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>
    /// Replaces every occurrence of (<paramref name="left"/>, <paramref name="right"/>) in
    /// <paramref name="symbols"/> by <paramref name="merged"/>, scanning left to right (so <c>a a a</c>
    /// with pair <c>(a, a)</c> becomes <c>aa a</c>); returns the new length.
    /// </summary>
    internal static int MergeInPlace(Span<int> symbols, int left, int right, int merged)
    {
        int write = 0;
        for (int read = 0; read < symbols.Length; write++)
        {
            if (read + 1 < symbols.Length && symbols[read] == left && symbols[read + 1] == right)
            {
                symbols[write] = merged;
                read += 2;
            }
            else
            {
                symbols[write] = symbols[read++];
            }
        }
        return write;
    }

    private void EncodeStretch(ReadOnlySpan<char> stretch, List<int> ids)
    {
        foreach (Range range in PreTokenizer.Words(stretch))
        {
            ReadOnlySpan<char> word = stretch[range];
            if (!_cacheBySpan.TryGetValue(word, out int[]? wordIds))
            {
                wordIds = EncodeWord(word);
                // Bounded, so encoding an endless stream of new words cannot grow memory without limit.
                if (Volatile.Read(ref _cached) < CacheLimit && _cacheBySpan.TryAdd(word, wordIds))
                {
                    Interlocked.Increment(ref _cached);
                }
            }
            ids.AddRange(wordIds);
        }
    }

    private int[] EncodeWord(ReadOnlySpan<char> word)
    {
        var symbols = new List<int>(word.Length);
        foreach (Rune rune in word.EnumerateRunes())
        {
            symbols.Add(_runeIds.TryGetValue(rune.Value, out int id) ? id : Vocabulary.Unknown);
        }
        int[] buffer = [.. symbols];
        int length = buffer.Length;
        while (length > 1)
        {
            (int Rank, int Id) best = (int.MaxValue, -1);
            int bestAt = -1;
            for (int i = 0; i + 1 < length; i++)
            {
                if (_ranks.TryGetValue(Pair(buffer[i], buffer[i + 1]), out (int Rank, int Id) merge) && merge.Rank < best.Rank)
                {
                    best = merge;
                    bestAt = i;
                }
            }
            if (bestAt < 0)
            {
                break;
            }
            length = MergeInPlace(buffer.AsSpan(0, length), buffer[bestAt], buffer[bestAt + 1], best.Id);
        }
        return buffer[..length];
    }
}

using System.Text;

namespace Experiments.Training.Tokenizers;

/// <summary>
/// Learns BPE merges from a corpus. Each text is split into words (<see cref="PreTokenizer"/>;
/// literal end-of-text markers are dropped), each distinct word is counted once with its frequency,
/// and the base vocabulary is the special tokens plus every character (Unicode scalar value) seen,
/// sorted by value. Then, until the vocabulary holds <c>vocabSize</c> tokens: take the adjacent pair
/// of tokens occurring most often across the corpus (ties: the pair whose left, then right, token
/// text is ordinally smallest), replace every occurrence of it left to right, record the merge.
/// Training stops early when no pair occurs twice (a merge used once saves one token and wastes a
/// vocabulary slot). A merge whose text is already a token reuses that token's id.
/// </summary>
/// <remarks>
/// Pair counts are kept incrementally: a merge revisits only the words that hold the pair (an index
/// from pair to words) and adjusts the counts of their pairs; the most frequent pair comes from a
/// heap whose stale entries are corrected when they surface. So training costs about the corpus
/// size plus, per merge, the words it touches, not a recount of the corpus.
/// </remarks>
internal static class BpeTrainer
{
    private const int MinPairCount = 2;

    public static BpeTokenizer Train(IEnumerable<string> corpus, int vocabSize)
    {
        (string[] words, long[] frequencies) = CountWords(corpus);

        int[] alphabet = words.SelectMany(w => w.EnumerateRunes()).Select(r => r.Value).Distinct().Order().ToArray();
        var tokens = new List<string> { TextTokenizer.EndOfTextText, Vocabulary.UnknownText };
        var tokenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (int value in alphabet)
        {
            tokenIds.Add(new Rune(value).ToString(), tokens.Count);
            tokens.Add(new Rune(value).ToString());
        }

        var symbols = new int[words.Length][];
        var lengths = new int[words.Length];
        var counts = new Dictionary<long, long>();
        var wordsWith = new Dictionary<long, HashSet<int>>();
        for (int w = 0; w < words.Length; w++)
        {
            symbols[w] = words[w].EnumerateRunes().Select(r => tokenIds[r.ToString()]).ToArray();
            lengths[w] = symbols[w].Length;
            AddPairs(symbols[w], frequencies[w], counts, wordsWith, w);
        }

        var heap = new PriorityQueue<long, Candidate>(new CandidateOrder(tokens));
        var queued = new Dictionary<long, long>(); // the count each pair's newest heap entry was queued with
        foreach ((long pair, long count) in counts)
        {
            Enqueue(heap, queued, pair, count);
        }

        var merges = new List<(string Left, string Right)>();
        var delta = new Dictionary<long, long>();
        while (tokens.Count < vocabSize && heap.TryDequeue(out long best, out Candidate candidate))
        {
            long bestCount = candidate.Count;
            long current = counts.GetValueOrDefault(best);
            if (current != bestCount)
            {
                // A stale entry: the pair's count fell since it was queued. Requeue it at its true count.
                if (current >= MinPairCount && queued.GetValueOrDefault(best) == bestCount)
                {
                    Enqueue(heap, queued, best, current);
                }
                continue;
            }
            if (current < MinPairCount)
            {
                break;
            }
            (int left, int right) = ((int)(best >> 32), (int)best);
            string text = tokens[left] + tokens[right];
            if (!tokenIds.TryGetValue(text, out int merged))
            {
                merged = tokens.Count;
                tokenIds.Add(text, merged);
                tokens.Add(text);
            }
            merges.Add((tokens[left], tokens[right]));

            delta.Clear();
            foreach (int w in wordsWith[best])
            {
                Span<int> word = symbols[w].AsSpan(0, lengths[w]);
                AddPairs(word, -frequencies[w], delta, null, w);
                lengths[w] = BpeTokenizer.MergeInPlace(word, left, right, merged);
                AddPairs(word[..lengths[w]], frequencies[w], delta, wordsWith, w);
            }
            foreach ((long pair, long change) in delta)
            {
                long now = counts.GetValueOrDefault(pair) + change;
                if (now > 0)
                {
                    counts[pair] = now;
                    if (change > 0)
                    {
                        Enqueue(heap, queued, pair, now);
                    }
                }
                else
                {
                    counts.Remove(pair);
                    wordsWith.Remove(pair);
                    queued.Remove(pair);
                }
            }
        }
        return new BpeTokenizer(Vocabulary.Create(tokens.Skip(Vocabulary.Unknown + 1)), merges);
    }

    /// <summary>The distinct words of the corpus (ordinal order) and how often each occurs.</summary>
    private static (string[] Words, long[] Frequencies) CountWords(IEnumerable<string> corpus)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> bySpan = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (string text in corpus)
        {
            foreach (ReadOnlyMemory<char> stretch in Vocabulary.Stretches(text))
            {
                foreach (Range range in PreTokenizer.Words(stretch.Span))
                {
                    ReadOnlySpan<char> word = stretch.Span[range];
                    bySpan[word] = bySpan.TryGetValue(word, out long count) ? count + 1 : 1;
                }
            }
        }
        string[] distinct = [.. counts.Keys.Order(StringComparer.Ordinal)];
        return (distinct, [.. distinct.Select(w => counts[w])]);
    }

    /// <summary>Adds <paramref name="weight"/> to the count of each adjacent pair of a word; indexes the word under each pair when <paramref name="wordsWith"/> is given.</summary>
    private static void AddPairs(ReadOnlySpan<int> word, long weight, Dictionary<long, long> counts, Dictionary<long, HashSet<int>>? wordsWith, int w)
    {
        for (int i = 0; i + 1 < word.Length; i++)
        {
            long pair = BpeTokenizer.Pair(word[i], word[i + 1]);
            counts[pair] = counts.GetValueOrDefault(pair) + weight;
            if (wordsWith is not null)
            {
                if (!wordsWith.TryGetValue(pair, out HashSet<int>? set))
                {
                    wordsWith[pair] = set = [];
                }
                set.Add(w);
            }
        }
    }

    private static void Enqueue(PriorityQueue<long, Candidate> heap, Dictionary<long, long> queued, long pair, long count)
    {
        heap.Enqueue(pair, new Candidate(count, pair));
        queued[pair] = count;
    }

    /// <summary>Most frequent first; among equals, the ordinally smallest left token text, then right.</summary>
    private sealed class CandidateOrder(List<string> tokens) : IComparer<Candidate>
    {
        public int Compare(Candidate x, Candidate y)
        {
            int order = y.Count.CompareTo(x.Count);
            if (order == 0 && x.Pair != y.Pair)
            {
                order = string.CompareOrdinal(tokens[(int)(x.Pair >> 32)], tokens[(int)(y.Pair >> 32)]);
                if (order == 0)
                {
                    order = string.CompareOrdinal(tokens[(int)x.Pair], tokens[(int)y.Pair]);
                }
            }
            return order;
        }
    }

    /// <summary>A heap entry's priority: the pair's count when it was queued, and the pair for ties.</summary>
    private readonly record struct Candidate(long Count, long Pair);
}

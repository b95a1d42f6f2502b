namespace Experiments.Training.Tests.Tokenizers;

/// <summary>A small seeded corpus with repeated words (so BPE has pairs to merge) and awkward text: accents, an astral emoji, CJK, tabs, newlines, runs of spaces, contractions, digits.</summary>
internal static class SampleCorpus
{
    private static readonly string[] s_words =
    [
        "the", "cat", "sat", "on", "mat", "and", "then", "there", "was", "another", "thing", "it's", "don't",
        "12", "+", "7", "=", "19", "naïve", "café", "😀", "中文", "(ok)", "...", "the", "the", "a",
    ];

    private static readonly string[] s_separators = [" ", " ", " ", " ", "  ", "\t", "\n", ", "];

    public static IReadOnlyList<string> Rows(int count = 200, int seed = 7)
    {
        var random = new Random(seed);
        var rows = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            int length = random.Next(1, 14);
            var parts = new List<string>();
            for (int w = 0; w < length; w++)
            {
                if (w > 0)
                {
                    parts.Add(s_separators[random.Next(s_separators.Length)]);
                }
                parts.Add(s_words[random.Next(s_words.Length)]);
            }
            rows.Add(string.Concat(parts));
        }
        return rows;
    }

    /// <summary>Every distinct character (Unicode scalar value) of <see cref="Rows"/>, as strings.</summary>
    public static string[] Alphabet(IEnumerable<string> rows) =>
        [.. rows.SelectMany(r => r.EnumerateRunes()).Select(r => r.ToString()).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>A string of corpus characters picked by arbitrary numbers: what FsCheck's int arrays become.</summary>
    public static string Pick(string[] alphabet, int[] picks) =>
        string.Concat(picks.Select(p => alphabet[(int)((uint)p % (uint)alphabet.Length)]));
}

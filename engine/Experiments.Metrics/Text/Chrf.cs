using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Text;

/// <summary>chrF settings with sacreBLEU's defaults (<c>CHRF()</c>: character 6-grams, no word n-grams, β = 2).</summary>
public sealed record ChrfOptions
{
    public int CharOrder { get; init; } = 6;

    /// <summary>Word n-gram order; 2 makes chrF++.</summary>
    public int WordOrder { get; init; }

    public double Beta { get; init; } = 2;

    public bool Lowercase { get; init; }

    /// <summary>Keep whitespace inside character n-grams.</summary>
    public bool Whitespace { get; init; }

    /// <summary>chrF++.py / NLTK / Moses style epsilon smoothing instead of sacreBLEU's effective order.</summary>
    public bool EpsSmoothing { get; init; }

    public static ChrfOptions Default { get; } = new();
}

/// <summary>
/// chrF and chrF++ (Popović 2015, 2017) as sacreBLEU 2.x computes them (metrics/chrf.py):
/// per segment the character (and word) n-gram statistics against the reference with the best
/// segment F-score, summed over the corpus, then the F_β of the averaged precisions and recalls
/// over the orders that occur (or the epsilon-smoothed mean of per-order F-scores). Characters
/// are code points, as in Python. Scores on the 0–100 scale.
/// </summary>
public static class Chrf
{
    private static readonly HashSet<char> s_punctuation = [.. "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"];

    public static double Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references, ChrfOptions? options = null) =>
        Statistics(hypotheses, references, options).Value;

    public static double Sentence(string hypothesis, IReadOnlyList<string> references, ChrfOptions? options = null) =>
        Corpus([hypothesis], [references], options);

    /// <summary>Per segment [hyp count, ref count, matches] for each order: what corpus chrF sums.</summary>
    public static SufficientStatistics Statistics(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references, ChrfOptions? options = null)
    {
        options ??= ChrfOptions.Default;
        if (hypotheses.Count != references.Count)
        {
            throw new ArgumentException($"{hypotheses.Count} hypotheses but references for {references.Count} segments");
        }
        int width = 3 * (options.CharOrder + options.WordOrder);
        var rows = new double[hypotheses.Count * width];
        for (int s = 0; s < hypotheses.Count; s++)
        {
            List<Dictionary<string, int>> hyp = Extract(Preprocess(hypotheses[s], options), options);
            double best = -1;
            double[]? bestStats = null;
            foreach (string reference in references[s])
            {
                List<Dictionary<string, int>> refNgrams = Extract(Preprocess(reference, options), options);
                var stats = new double[width];
                for (int o = 0; o < hyp.Count; o++)
                {
                    Match(hyp[o], refNgrams[o], stats.AsSpan(3 * o, 3));
                }
                double f = FScore(stats, options);
                if (f > best)
                {
                    best = f;
                    bestStats = stats;
                }
            }
            bestStats?.CopyTo(rows.AsSpan(s * width, width));
        }
        return new SufficientStatistics(width, rows, sums => FScore(sums, options));
    }

    /// <summary>sacreBLEU's <c>_compute_f_score</c>.</summary>
    public static double FScore(ReadOnlySpan<double> statistics, ChrfOptions options)
    {
        const double eps = 1e-16;
        int order = options.CharOrder + options.WordOrder;
        double factor = options.Beta * options.Beta;
        double score = 0, averagePrecision = 0, averageRecall = 0;
        int effectiveOrder = 0;
        for (int i = 0; i < order; i++)
        {
            double nHyp = statistics[3 * i], nRef = statistics[(3 * i) + 1], nMatch = statistics[(3 * i) + 2];
            double precision = nHyp > 0 ? nMatch / nHyp : eps;
            double recall = nRef > 0 ? nMatch / nRef : eps;
            double denominator = (factor * precision) + recall;
            score += denominator > 0 ? (1 + factor) * precision * recall / denominator : eps;
            if (nHyp > 0 && nRef > 0)
            {
                averagePrecision += precision;
                averageRecall += recall;
                effectiveOrder++;
            }
        }
        if (options.EpsSmoothing)
        {
            return 100 * score / order;
        }
        if (effectiveOrder == 0)
        {
            averagePrecision = averageRecall = 0;
        }
        else
        {
            averagePrecision /= effectiveOrder;
            averageRecall /= effectiveOrder;
        }
        if (averagePrecision + averageRecall == 0)
        {
            return 0;
        }
        return 100 * (1 + factor) * averagePrecision * averageRecall / ((factor * averagePrecision) + averageRecall);
    }

    private static string Preprocess(string segment, ChrfOptions options) => options.Lowercase ? PythonText.Lower(segment) : segment;

    private static List<Dictionary<string, int>> Extract(string segment, ChrfOptions options)
    {
        string[] characters = PythonText.CodePoints(options.Whitespace ? segment : PythonText.RemoveSpaces(segment));
        var result = new List<Dictionary<string, int>>();
        for (int n = 1; n <= options.CharOrder; n++)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i + n <= characters.Length; i++)
            {
                string key = string.Concat(characters.AsSpan(i, n));
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
            result.Add(counts);
        }
        if (options.WordOrder > 0)
        {
            List<string> words = RemovePunctuation(segment);
            for (int n = 1; n <= options.WordOrder; n++)
            {
                result.Add(NGrams.Count(words, n));
            }
        }
        return result;
    }

    private static void Match(Dictionary<string, int> hyp, Dictionary<string, int> reference, Span<double> stats)
    {
        double matches = 0, hypCount = 0;
        foreach ((string ngram, int count) in hyp)
        {
            hypCount += count;
            if (reference.TryGetValue(ngram, out int referenceCount))
            {
                matches += Math.Min(count, referenceCount);
            }
        }
        stats[0] = reference.Count > 0 ? hypCount : 0;
        stats[1] = reference.Values.Sum();
        stats[2] = matches;
    }

    /// <summary>chrF++'s word split: a leading or trailing punctuation mark becomes its own word.</summary>
    private static List<string> RemovePunctuation(string segment)
    {
        var words = new List<string>();
        foreach (string w in PythonText.Split(segment))
        {
            if (w.Length == 1)
            {
                words.Add(w);
            }
            else if (s_punctuation.Contains(w[^1]))
            {
                words.Add(w[..^1]);
                words.Add(w[^1..]);
            }
            else if (s_punctuation.Contains(w[0]))
            {
                words.Add(w[..1]);
                words.Add(w[1..]);
            }
            else
            {
                words.Add(w);
            }
        }
        return words;
    }
}

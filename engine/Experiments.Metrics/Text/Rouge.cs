using System.Text.RegularExpressions;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Text;

/// <summary>Precision, recall and F1 of one ROUGE variant for one pair.</summary>
public sealed record RougeScore(double Precision, double Recall, double FMeasure);

/// <summary>
/// ROUGE-N, ROUGE-L and ROUGE-Lsum as Google's rouge-score computes them (rouge_scorer.py,
/// tokenize.py): lower-case, every run of characters outside [a-z0-9] becomes a space, optional
/// NLTK Porter stemming of tokens longer than three characters; ROUGE-N from clipped n-gram
/// overlap, ROUGE-L from the longest common subsequence, ROUGE-Lsum from the union LCS over
/// newline-separated sentences (ROUGE-1.5.5's summary-level LCS). A corpus figure is the mean of
/// the per-pair F-measures (<see cref="Statistics"/>), which is what rouge-score's aggregator
/// reports as its mid value.
/// </summary>
public static partial class Rouge
{
    /// <param name="type">"rouge1" … "rouge9", "rougeL" or "rougeLsum".</param>
    public static RougeScore Score(string target, string prediction, string type, bool useStemmer = false)
    {
        if (type == "rougeL")
        {
            return Lcs(Tokenize(target, useStemmer), Tokenize(prediction, useStemmer));
        }
        if (type == "rougeLsum")
        {
            return SummaryLevelLcs(Sentences(target).Select(s => Tokenize(s, useStemmer)).ToList(), Sentences(prediction).Select(s => Tokenize(s, useStemmer)).ToList());
        }
        if (RougeN().Match(type) is { Success: true } match && int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is > 0 and int n)
        {
            return NGramOverlap(Tokenize(target, useStemmer), Tokenize(prediction, useStemmer), n);
        }
        throw new ArgumentException($"Invalid rouge type: {type} (rouge1..rouge9, rougeL, rougeLsum)");
    }

    /// <summary>Per pair (F-measure, 1): the mean F-measure over pairs, ready for a bootstrap.</summary>
    public static SufficientStatistics Statistics(IReadOnlyList<string> targets, IReadOnlyList<string> predictions, string type, bool useStemmer = false)
    {
        if (targets.Count != predictions.Count)
        {
            throw new ArgumentException($"{targets.Count} targets but {predictions.Count} predictions");
        }
        var scores = new double[targets.Count];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = Score(targets[i], predictions[i], type, useStemmer).FMeasure;
        }
        return SufficientStatistics.Mean(scores);
    }

    public static List<string> Tokenize(string text, bool useStemmer)
    {
        text = NonAlphanumeric().Replace(PythonText.Lower(text), " ");
        var tokens = new List<string>();
        foreach (string piece in Whitespace().Split(text))
        {
            string token = useStemmer && piece.Length > 3 ? PorterStemmer.Stem(piece) : piece;
            if (ValidToken().IsMatch(token))
            {
                tokens.Add(token);
            }
        }
        return tokens;
    }

    private static IEnumerable<string> Sentences(string text) => text.Split('\n').Where(s => s.Length > 0);

    private static RougeScore NGramOverlap(List<string> target, List<string> prediction, int n)
    {
        Dictionary<string, int> targetCounts = NGrams.Count(target, n);
        Dictionary<string, int> predictionCounts = NGrams.Count(prediction, n);
        long overlap = 0;
        foreach ((string ngram, int count) in targetCounts)
        {
            overlap += Math.Min(count, predictionCounts.GetValueOrDefault(ngram));
        }
        double precision = overlap / (double)Math.Max(predictionCounts.Values.Sum(), 1);
        double recall = overlap / (double)Math.Max(targetCounts.Values.Sum(), 1);
        return new RougeScore(precision, recall, FMeasure(precision, recall));
    }

    private static RougeScore Lcs(List<string> target, List<string> prediction)
    {
        if (target.Count == 0 || prediction.Count == 0)
        {
            return new RougeScore(0, 0, 0);
        }
        int length = LcsTable(target, prediction)[target.Count, prediction.Count];
        double precision = (double)length / prediction.Count;
        double recall = (double)length / target.Count;
        return new RougeScore(precision, recall, FMeasure(precision, recall));
    }

    private static RougeScore SummaryLevelLcs(List<List<string>> references, List<List<string>> candidates)
    {
        if (references.Count == 0 || candidates.Count == 0)
        {
            return new RougeScore(0, 0, 0);
        }
        int m = references.Sum(s => s.Count);
        int n = candidates.Sum(s => s.Count);
        if (m == 0 || n == 0)
        {
            return new RougeScore(0, 0, 0);
        }
        var referenceCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var candidateCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string token in references.SelectMany(s => s))
        {
            referenceCounts[token] = referenceCounts.GetValueOrDefault(token) + 1;
        }
        foreach (string token in candidates.SelectMany(s => s))
        {
            candidateCounts[token] = candidateCounts.GetValueOrDefault(token) + 1;
        }
        int hits = 0;
        foreach (List<string> reference in references)
        {
            // The union of the LCS positions in this reference sentence over all candidate sentences;
            // each hit consumes one occurrence on both sides so no token is counted twice.
            var union = new SortedSet<int>();
            foreach (List<string> candidate in candidates)
            {
                union.UnionWith(LcsIndices(reference, candidate));
            }
            foreach (int index in union)
            {
                string token = reference[index];
                if (candidateCounts.GetValueOrDefault(token) > 0 && referenceCounts.GetValueOrDefault(token) > 0)
                {
                    hits++;
                    candidateCounts[token]--;
                    referenceCounts[token]--;
                }
            }
        }
        double recall = (double)hits / m;
        double precision = (double)hits / n;
        return new RougeScore(precision, recall, FMeasure(precision, recall));
    }

    private static int[,] LcsTable(List<string> reference, List<string> candidate)
    {
        var table = new int[reference.Count + 1, candidate.Count + 1];
        for (int i = 1; i <= reference.Count; i++)
        {
            for (int j = 1; j <= candidate.Count; j++)
            {
                table[i, j] = string.Equals(reference[i - 1], candidate[j - 1], StringComparison.Ordinal)
                    ? table[i - 1, j - 1] + 1
                    : Math.Max(table[i - 1, j], table[i, j - 1]);
            }
        }
        return table;
    }

    /// <summary>rouge-score's <c>_backtrack_norec</c>: one LCS, as indices into the reference.</summary>
    private static List<int> LcsIndices(List<string> reference, List<string> candidate)
    {
        int[,] table = LcsTable(reference, candidate);
        int i = reference.Count, j = candidate.Count;
        var indices = new List<int>();
        while (i > 0 && j > 0)
        {
            if (string.Equals(reference[i - 1], candidate[j - 1], StringComparison.Ordinal))
            {
                indices.Insert(0, i - 1);
                i--;
                j--;
            }
            else if (table[i, j - 1] > table[i - 1, j])
            {
                j--;
            }
            else
            {
                i--;
            }
        }
        return indices;
    }

    private static double FMeasure(double precision, double recall) =>
        precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;

    [GeneratedRegex("[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonAlphanumeric();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    [GeneratedRegex("^[a-z0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidToken();

    [GeneratedRegex("^rouge([0-9])$", RegexOptions.CultureInvariant)]
    private static partial Regex RougeN();
}

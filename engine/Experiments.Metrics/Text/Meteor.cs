using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Text;

/// <summary>
/// METEOR as NLTK 3.8 computes it (nltk/translate/meteor_score.py) with exact and Porter-stem
/// matching. Omitted: NLTK's third stage, WordNet synonym matching, because WordNet is a corpus
/// download we cannot ship or fetch. Without it the alignment is NLTK's with a WordNet that
/// knows no synonyms (the reference tests stub WordNet exactly so). What is kept, quirks
/// included: lower-casing, greedy matching from the end of both sentences (exact first, then
/// stems of what is left), chunks counted over the alignment sorted by hypothesis position,
/// F_mean = P·R / (α·P + (1 − α)·R), penalty γ·(chunks / matches)^β, the maximum over references,
/// and 0 when nothing matches.
/// </summary>
public static class Meteor
{
    public static double Score(IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string> hypothesis, double alpha = 0.9, double beta = 3, double gamma = 0.5) =>
        references.Max(reference => SingleScore(reference, hypothesis, alpha, beta, gamma));

    public static double SingleScore(IReadOnlyList<string> reference, IReadOnlyList<string> hypothesis, double alpha = 0.9, double beta = 3, double gamma = 0.5)
    {
        var hyp = hypothesis.Select((w, i) => (Index: i, Word: PythonText.Lower(w))).ToList();
        var refs = reference.Select((w, i) => (Index: i, Word: PythonText.Lower(w))).ToList();
        int translationLength = hyp.Count;
        int referenceLength = refs.Count;

        List<(int Hyp, int Ref)> matches = MatchEnums(hyp, refs);
        List<(int Index, string Word)> stemmedHyp = hyp.Select(p => (p.Index, PorterStemmer.Stem(p.Word))).ToList();
        List<(int Index, string Word)> stemmedRef = refs.Select(p => (p.Index, PorterStemmer.Stem(p.Word))).ToList();
        matches.AddRange(MatchEnums(stemmedHyp, stemmedRef));
        matches.Sort((a, b) => a.Hyp.CompareTo(b.Hyp));

        int count = matches.Count;
        if (translationLength == 0 || referenceLength == 0 || count == 0)
        {
            return 0;
        }
        double precision = (double)count / translationLength;
        double recall = (double)count / referenceLength;
        double fmean = precision * recall / ((alpha * precision) + ((1 - alpha) * recall));
        double fragmentation = (double)CountChunks(matches) / count;
        double penalty = gamma * Math.Pow(fragmentation, beta);
        return (1 - penalty) * fmean;
    }

    /// <summary>Per segment (score, 1): the mean sentence METEOR, ready for a bootstrap.</summary>
    public static SufficientStatistics Statistics(IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> references, IReadOnlyList<IReadOnlyList<string>> hypotheses)
    {
        if (references.Count != hypotheses.Count)
        {
            throw new ArgumentException($"{hypotheses.Count} hypotheses but references for {references.Count} segments");
        }
        return SufficientStatistics.Mean(hypotheses.Select((h, i) => Score(references[i], h)).ToArray());
    }

    /// <summary>
    /// NLTK's <c>_match_enums</c>: for each hypothesis word from the last, the last equal reference
    /// word still unmatched; both leave their lists (which this mutates, as NLTK does).
    /// </summary>
    private static List<(int Hyp, int Ref)> MatchEnums(List<(int Index, string Word)> hyp, List<(int Index, string Word)> refs)
    {
        var matches = new List<(int, int)>();
        for (int i = hyp.Count - 1; i >= 0; i--)
        {
            for (int j = refs.Count - 1; j >= 0; j--)
            {
                if (string.Equals(hyp[i].Word, refs[j].Word, StringComparison.Ordinal))
                {
                    matches.Add((hyp[i].Index, refs[j].Index));
                    hyp.RemoveAt(i);
                    refs.RemoveAt(j);
                    break;
                }
            }
        }
        return matches;
    }

    private static int CountChunks(List<(int Hyp, int Ref)> matches)
    {
        int chunks = 1;
        for (int i = 0; i < matches.Count - 1; i++)
        {
            if (!(matches[i + 1].Hyp == matches[i].Hyp + 1 && matches[i + 1].Ref == matches[i].Ref + 1))
            {
                chunks++;
            }
        }
        return chunks;
    }
}

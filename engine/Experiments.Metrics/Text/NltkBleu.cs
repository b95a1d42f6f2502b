namespace Experiments.Metrics.Text;

/// <summary>NLTK's <c>SmoothingFunction().methodN</c> (epsilon 0.1, alpha 5, k 5).</summary>
public enum NltkSmoothing
{
    Method0,
    Method1,
    Method2,
    Method3,
    Method4,
    Method5,
    Method6,
    Method7,
}

/// <summary>
/// BLEU on pre-tokenised text exactly as NLTK 3.8 computes it (nltk/translate/bleu_score.py):
/// corpus-level modified precisions (numerators and denominators summed over segments, a
/// denominator of at least 1 per segment), the brevity penalty on summed lengths, a score of 0
/// when no unigram matches, smoothing applied to the corpus precisions, and zero precisions left
/// out of the weighted log sum. Quirks kept on purpose for agreement: method 0 turns a zero
/// precision into the smallest double (so the score is tiny, not 0), and methods 5–7 look at
/// the last segment only (NLTK passes the loop's last hypothesis to the smoothing function).
/// Scores are on NLTK's 0–1 scale.
/// </summary>
public static class NltkBleu
{
    private const double Epsilon = 0.1;
    private const double Alpha = 5;
    private const double K = 5;

    /// <summary>Python's <c>sys.float_info.min</c>, what method 0 puts in place of a zero precision.</summary>
    private const double SmallestNormal = 2.2250738585072014E-308;

    public static double Sentence(IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string> hypothesis, IReadOnlyList<double>? weights = null, NltkSmoothing smoothing = NltkSmoothing.Method0, bool autoReweigh = false) =>
        Corpus([references], [hypothesis], weights, smoothing, autoReweigh);

    public static double Corpus(IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> listOfReferences, IReadOnlyList<IReadOnlyList<string>> hypotheses, IReadOnlyList<double>? weights = null, NltkSmoothing smoothing = NltkSmoothing.Method0, bool autoReweigh = false)
    {
        if (listOfReferences.Count != hypotheses.Count)
        {
            throw new ArgumentException("The number of hypotheses and their reference(s) should be the same");
        }
        weights ??= [0.25, 0.25, 0.25, 0.25];
        int orders = weights.Count;
        var numerators = new long[orders + 1];
        var denominators = new long[orders + 1];
        long hypLengths = 0, refLengths = 0;
        for (int s = 0; s < hypotheses.Count; s++)
        {
            for (int n = 1; n <= orders; n++)
            {
                (long numerator, long denominator) = ModifiedPrecision(listOfReferences[s], hypotheses[s], n);
                numerators[n] += numerator;
                denominators[n] += denominator;
            }
            hypLengths += hypotheses[s].Count;
            refLengths += ClosestReferenceLength(listOfReferences[s], hypotheses[s].Count);
        }
        double bp = BrevityPenalty(refLengths, hypLengths);
        if (numerators[1] == 0)
        {
            return 0;
        }
        var precision = new Precision[orders];
        for (int n = 1; n <= orders; n++)
        {
            precision[n - 1] = new Precision(numerators[n], denominators[n]);
        }
        IReadOnlyList<IReadOnlyList<string>> lastReferences = listOfReferences[^1];
        IReadOnlyList<string> lastHypothesis = hypotheses[^1];
        double[] smoothed = Smooth(smoothing, precision, lastReferences, lastHypothesis, hypLengths);

        IReadOnlyList<double> weight = weights;
        if (autoReweigh && hypLengths < 4 && weights.SequenceEqual([0.25, 0.25, 0.25, 0.25]))
        {
            weight = Enumerable.Repeat(1.0 / hypLengths, (int)hypLengths).ToArray();
        }
        double sum = 0;
        for (int i = 0; i < Math.Min(weight.Count, smoothed.Length); i++)
        {
            if (smoothed[i] > 0)
            {
                sum += weight[i] * Math.Log(smoothed[i]);
            }
        }
        return bp * Math.Exp(sum);
    }

    /// <summary>Clipped n-gram matches and max(1, hypothesis n-grams).</summary>
    public static (long Numerator, long Denominator) ModifiedPrecision(IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string> hypothesis, int n)
    {
        Dictionary<string, int> counts = NGrams.Count(hypothesis, n);
        var maxCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (IReadOnlyList<string> reference in references)
        {
            Dictionary<string, int> referenceCounts = NGrams.Count(reference, n);
            foreach (string ngram in counts.Keys)
            {
                maxCounts[ngram] = Math.Max(maxCounts.GetValueOrDefault(ngram), referenceCounts.GetValueOrDefault(ngram));
            }
        }
        long numerator = counts.Sum(pair => (long)Math.Min(pair.Value, maxCounts.GetValueOrDefault(pair.Key)));
        long denominator = Math.Max(1, counts.Values.Sum(c => (long)c));
        return (numerator, denominator);
    }

    /// <summary>The reference length closest to the hypothesis length, the shorter on a tie.</summary>
    public static int ClosestReferenceLength(IReadOnlyList<IReadOnlyList<string>> references, int hypothesisLength) =>
        references.Select(r => r.Count).OrderBy(length => Math.Abs(length - hypothesisLength)).ThenBy(length => length).First();

    public static double BrevityPenalty(long closestReferenceLength, long hypothesisLength)
    {
        if (hypothesisLength > closestReferenceLength)
        {
            return 1;
        }
        if (hypothesisLength == 0)
        {
            return 0;
        }
        return Math.Exp(1 - ((double)closestReferenceLength / hypothesisLength));
    }

    /// <summary>An unreduced fraction, like NLTK's <c>Fraction(..., _normalize=False)</c>.</summary>
    private readonly record struct Precision(double Numerator, double Denominator)
    {
        public double Value => Numerator / Denominator;
    }

    private static double[] Smooth(NltkSmoothing method, Precision[] p, IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string> hypothesis, long hypLength)
    {
        switch (method)
        {
            case NltkSmoothing.Method0:
                return p.Select(x => x.Numerator != 0 ? x.Value : SmallestNormal).ToArray();
            case NltkSmoothing.Method1:
                return p.Select(x => x.Numerator == 0 ? (x.Numerator + Epsilon) / x.Denominator : x.Value).ToArray();
            case NltkSmoothing.Method2:
                return p.Select((x, i) => i == 0 ? x.Value : (x.Numerator + 1) / (x.Denominator + 1)).ToArray();
            case NltkSmoothing.Method3:
                {
                    var result = p.Select(x => x.Value).ToArray();
                    int k = 1;
                    for (int i = 0; i < p.Length; i++)
                    {
                        if (p[i].Numerator == 0)
                        {
                            result[i] = 1 / (Math.Pow(2, k) * p[i].Denominator);
                            k++;
                        }
                    }
                    return result;
                }
            case NltkSmoothing.Method4:
                return Method4(p, hypLength > 0 ? hypLength : hypothesis.Count);
            case NltkSmoothing.Method5:
                return Method5(p.Select(x => x.Value).ToArray(), references, hypothesis);
            case NltkSmoothing.Method6:
                return Method6(p, hypothesis);
            case NltkSmoothing.Method7:
                return Method5(Method4(p, hypLength > 0 ? hypLength : hypothesis.Count), references, hypothesis);
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, null);
        }
    }

    private static double[] Method4(Precision[] p, long hypLength)
    {
        var result = p.Select(x => x.Value).ToArray();
        int k = 1;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i].Numerator == 0 && hypLength > 1)
            {
                double numerator = 1 / (Math.Pow(2, k) * K / Math.Log(hypLength));
                result[i] = numerator / p[i].Denominator;
                k++;
            }
        }
        return result;
    }

    private static double[] Method5(double[] p, IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string> hypothesis)
    {
        (long fifthNumerator, long fifthDenominator) = ModifiedPrecision(references, hypothesis, 5);
        double[] plusOne = [.. p, (double)fifthNumerator / fifthDenominator];
        var result = (double[])p.Clone();
        double previous = p[0] + 1;
        for (int i = 0; i < p.Length; i++)
        {
            result[i] = (previous + p[i] + plusOne[i + 1]) / 3;
            previous = result[i];
        }
        return result;
    }

    private static double[] Method6(Precision[] p, IReadOnlyList<string> hypothesis)
    {
        if (p.Length < 3 || p[2].Numerator == 0)
        {
            throw new ArgumentException("NLTK smoothing method 6 requires non-zero precision for trigrams (its assertion on p_n[2])");
        }
        var result = p.Select(x => x.Value).ToArray();
        for (int i = 2; i < p.Length; i++)
        {
            double pi0 = result[i - 2] == 0 ? 0 : result[i - 1] * result[i - 1] / result[i - 2];
            double m = p[i].Numerator;
            double l = Math.Max(0, hypothesis.Count - i);
            result[i] = (m + (Alpha * pi0)) / (l + Alpha);
        }
        return result;
    }
}

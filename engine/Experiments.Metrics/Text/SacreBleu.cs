using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Text;

/// <summary>sacreBLEU's smoothing methods (Chen and Cherry 2014).</summary>
public enum BleuSmoothing
{
    /// <summary>No smoothing.</summary>
    None,

    /// <summary>Method 1: a zero count becomes <c>smooth_value</c> (default 0.1).</summary>
    Floor,

    /// <summary>Method 2: add <c>smooth_value</c> (default 1) to matches and totals of orders above 1.</summary>
    AddK,

    /// <summary>Method 3, NIST (mteval-v13a's): the k-th zero precision becomes 1 / (2^k · total). sacreBLEU's default.</summary>
    Exp,
}

/// <summary>BLEU settings with sacreBLEU's defaults (<c>BLEU()</c>: 13a, mixed case, exp smoothing, 4-grams).</summary>
public sealed record BleuOptions
{
    /// <summary>"13a" (default) or "none" (split on whitespace only).</summary>
    public string Tokenize { get; init; } = "13a";

    public bool Lowercase { get; init; }

    public BleuSmoothing Smoothing { get; init; } = BleuSmoothing.Exp;

    /// <summary>The value for <see cref="BleuSmoothing.Floor"/> (0.1) and <see cref="BleuSmoothing.AddK"/> (1) when null.</summary>
    public double? SmoothValue { get; init; }

    public int MaxOrder { get; init; } = 4;

    /// <summary>Stop at the highest order with any n-grams (sentence-level BLEU wants this).</summary>
    public bool EffectiveOrder { get; init; }

    public static BleuOptions Default { get; } = new();

    /// <summary><c>sentence_bleu</c>'s defaults: effective order on.</summary>
    public static BleuOptions Sentence { get; } = new() { EffectiveOrder = true };
}

/// <summary>A BLEU score on sacreBLEU's 0–100 scale with its parts.</summary>
public sealed record BleuScore(double Score, IReadOnlyList<double> Counts, IReadOnlyList<double> Totals, IReadOnlyList<double> Precisions, double BrevityPenalty, long HypothesisLength, long ReferenceLength);

/// <summary>
/// Corpus and sentence BLEU as sacreBLEU 2.x computes them (metrics/bleu.py): per segment the
/// clipped n-gram matches against the union (max counts) of its references and the closest
/// reference length (shorter wins a tie); the corpus score from the summed statistics with the
/// brevity penalty exp(1 − r/c) and the chosen smoothing, a zero precision's log floored at
/// −9999999999. Scores are on sacreBLEU's 0–100 scale.
/// </summary>
public static class SacreBleu
{
    /// <param name="hypotheses">one string per segment.</param>
    /// <param name="references">per segment, its reference strings (any number, at least one).</param>
    public static BleuScore Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references, BleuOptions? options = null)
    {
        options ??= BleuOptions.Default;
        SufficientStatistics statistics = Statistics(hypotheses, references, options);
        var sums = new double[statistics.Width];
        statistics.Sum(sums);
        return FromStatistics(sums, options);
    }

    public static BleuScore Sentence(string hypothesis, IReadOnlyList<string> references, BleuOptions? options = null) =>
        Corpus([hypothesis], [references], options ?? BleuOptions.Sentence);

    /// <summary>
    /// Per segment (hyp length, closest ref length, matches per order, totals per order): what
    /// corpus BLEU sums, so a bootstrap or paired test over segments recomputes the corpus score.
    /// </summary>
    public static SufficientStatistics Statistics(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references, BleuOptions? options = null)
    {
        options ??= BleuOptions.Default;
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (hypotheses.Count != references.Count)
        {
            throw new ArgumentException($"{hypotheses.Count} hypotheses but references for {references.Count} segments");
        }
        int order = options.MaxOrder;
        int width = 2 + (2 * order);
        var rows = new double[hypotheses.Count * width];
        for (int s = 0; s < hypotheses.Count; s++)
        {
            SegmentStatistics(Preprocess(hypotheses[s], options), references[s].Select(r => Preprocess(r, options)).ToList(), order, rows.AsSpan(s * width, width));
        }
        return new SufficientStatistics(width, rows, sums => FromStatistics(sums, options).Score);
    }

    /// <summary>sacreBLEU's <c>compute_bleu</c> on summed statistics.</summary>
    public static BleuScore FromStatistics(ReadOnlySpan<double> sums, BleuOptions options)
    {
        int order = options.MaxOrder;
        double sysLength = sums[0];
        double refLength = sums[1];
        double[] correct = sums.Slice(2, order).ToArray();
        double[] total = sums.Slice(2 + order, order).ToArray();
        double smoothValue = options.SmoothValue ?? options.Smoothing switch
        {
            BleuSmoothing.Floor => 0.1,
            BleuSmoothing.AddK => 1,
            _ => 0,
        };
        double bp = sysLength < refLength ? (sysLength > 0 ? Math.Exp(1 - (refLength / sysLength)) : 0.0) : 1.0;
        var precisions = new double[order];
        if (correct.All(c => c == 0))
        {
            return new BleuScore(0, correct, total, precisions, bp, (long)sysLength, (long)refLength);
        }
        double smoothMteval = 1;
        int effectiveOrder = order;
        for (int n = 1; n <= order; n++)
        {
            if (options.Smoothing == BleuSmoothing.AddK && n > 1)
            {
                correct[n - 1] += smoothValue;
                total[n - 1] += smoothValue;
            }
            if (total[n - 1] == 0)
            {
                break;
            }
            if (options.EffectiveOrder)
            {
                effectiveOrder = n;
            }
            if (correct[n - 1] == 0)
            {
                if (options.Smoothing == BleuSmoothing.Exp)
                {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100.0 / (smoothMteval * total[n - 1]);
                }
                else if (options.Smoothing == BleuSmoothing.Floor)
                {
                    precisions[n - 1] = 100.0 * smoothValue / total[n - 1];
                }
            }
            else
            {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
            }
        }
        double logSum = 0;
        for (int n = 0; n < effectiveOrder; n++)
        {
            logSum += precisions[n] == 0 ? -9999999999 : Math.Log(precisions[n]);
        }
        double score = bp * Math.Exp(logSum / effectiveOrder);
        return new BleuScore(score, correct, total, precisions, bp, (long)sysLength, (long)refLength);
    }

    private static string Preprocess(string segment, BleuOptions options)
    {
        if (options.Lowercase)
        {
            segment = PythonText.Lower(segment);
        }
        segment = PythonText.RStrip(segment);
        return options.Tokenize switch
        {
            "13a" => Tokenizer13a.Tokenize(segment),
            "none" => segment,
            _ => throw new ArgumentException($"unknown BLEU tokenizer '{options.Tokenize}' (13a or none)"),
        };
    }

    private static void SegmentStatistics(string hypothesis, List<string> references, int order, Span<double> row)
    {
        List<string> hypTokens = PythonText.Split(hypothesis);
        var referenceCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        int closestDifference = -1;
        int closestLength = -1;
        foreach (string reference in references)
        {
            List<string> tokens = PythonText.Split(reference);
            foreach ((string ngram, int count) in NGrams.CountAll(tokens, order))
            {
                referenceCounts[ngram] = Math.Max(referenceCounts.GetValueOrDefault(ngram), count);
            }
            int difference = Math.Abs(hypTokens.Count - tokens.Count);
            if (closestDifference == -1 || difference < closestDifference)
            {
                closestDifference = difference;
                closestLength = tokens.Count;
            }
            else if (difference == closestDifference && tokens.Count < closestLength)
            {
                closestLength = tokens.Count;
            }
        }
        row[0] = hypTokens.Count;
        row[1] = closestLength;
        foreach ((string ngram, int count) in NGrams.CountAll(hypTokens, order))
        {
            int n = NGrams.Order(ngram) - 1;
            row[2 + order + n] += count;
            if (referenceCounts.TryGetValue(ngram, out int referenceCount))
            {
                row[2 + n] += Math.Min(count, referenceCount);
            }
        }
    }
}

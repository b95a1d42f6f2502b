using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Classification;

/// <summary>
/// Perplexity = exp(−(Σ token log-likelihoods) / tokens), natural logarithms. Per example the
/// statistics are (sum of its tokens' log-likelihoods, its token count), so a bootstrap resamples
/// whole sequences, not tokens (tokens of one sequence are not independent).
/// </summary>
public static class Perplexity
{
    public static double FromTokens(ReadOnlySpan<double> tokenLogLikelihoods)
    {
        if (tokenLogLikelihoods.IsEmpty)
        {
            return double.NaN;
        }
        double sum = 0;
        foreach (double l in tokenLogLikelihoods)
        {
            sum += l;
        }
        return Math.Exp(-sum / tokenLogLikelihoods.Length);
    }

    /// <param name="sequenceLogLikelihoods">per sequence, the sum of its token log-likelihoods.</param>
    /// <param name="tokenCounts">per sequence, how many tokens it scored.</param>
    public static SufficientStatistics Statistics(ReadOnlySpan<double> sequenceLogLikelihoods, ReadOnlySpan<int> tokenCounts)
    {
        if (sequenceLogLikelihoods.Length != tokenCounts.Length)
        {
            throw new ArgumentException($"{sequenceLogLikelihoods.Length} sequences but {tokenCounts.Length} token counts");
        }
        var rows = new double[sequenceLogLikelihoods.Length * 2];
        for (int i = 0; i < tokenCounts.Length; i++)
        {
            rows[2 * i] = sequenceLogLikelihoods[i];
            rows[(2 * i) + 1] = tokenCounts[i];
        }
        return new SufficientStatistics(2, rows, static sums => sums[1] == 0 ? double.NaN : Math.Exp(-sums[0] / sums[1]));
    }
}

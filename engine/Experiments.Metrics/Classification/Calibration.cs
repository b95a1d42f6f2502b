using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Classification;

/// <summary>
/// Expected calibration error (Guo et al. 2017): split [0, 1] into <c>bins</c> equal-width bins,
/// and sum over bins |accuracy − mean confidence| weighted by the bin's share of examples. Bins
/// are closed on the right, (k/B, (k+1)/B], with a confidence of exactly 0 in the first bin; the
/// bin of c is ⌈c·B⌉ − 1 computed in floating point. "Confidence" is the probability the model
/// gave its predicted class (the top-1 probability), "correct" whether that prediction was right;
/// for a binary model reporting P(positive) use confidence = max(p, 1 − p).
/// </summary>
public static class Calibration
{
    public const int DefaultBins = 15;

    public static double ExpectedCalibrationError(ReadOnlySpan<double> confidence, ReadOnlySpan<bool> correct, int bins = DefaultBins) =>
        Statistics(confidence, correct, bins).Value;

    /// <summary>Per example (count, confidence, correct) in its bin's three columns.</summary>
    public static SufficientStatistics Statistics(ReadOnlySpan<double> confidence, ReadOnlySpan<bool> correct, int bins = DefaultBins)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        if (confidence.Length != correct.Length)
        {
            throw new ArgumentException($"{confidence.Length} confidences but {correct.Length} outcomes");
        }
        int width = 3 * bins;
        var rows = new double[confidence.Length * width];
        for (int i = 0; i < confidence.Length; i++)
        {
            double c = confidence[i];
            if (c is < 0 or > 1 || double.IsNaN(c))
            {
                throw new ArgumentOutOfRangeException(nameof(confidence), c, $"confidence {i} is not a probability");
            }
            int bin = Bin(c, bins);
            Span<double> row = rows.AsSpan((i * width) + (3 * bin), 3);
            row[0] = 1;
            row[1] = c;
            row[2] = correct[i] ? 1 : 0;
        }
        return new SufficientStatistics(width, rows, sums => Finalize(sums, bins));
    }

    internal static int Bin(double confidence, int bins) =>
        confidence <= 0 ? 0 : Math.Min(bins - 1, (int)Math.Ceiling(confidence * bins) - 1);

    private static double Finalize(ReadOnlySpan<double> sums, int bins)
    {
        double total = 0;
        for (int b = 0; b < bins; b++)
        {
            total += sums[3 * b];
        }
        if (total == 0)
        {
            return double.NaN;
        }
        double error = 0;
        for (int b = 0; b < bins; b++)
        {
            double count = sums[3 * b];
            if (count > 0)
            {
                error += Math.Abs((sums[(3 * b) + 2] / count) - (sums[(3 * b) + 1] / count)) * count / total;
            }
        }
        return error;
    }
}

using Experiments.Metrics.Special;

namespace Experiments.Metrics.Uncertainty;

/// <summary>
/// Closed-form intervals for a proportion (accuracy, exact match, a selection rate): the Wilson
/// score interval, which keeps its coverage near 0 and 1 and for small n, and the normal (Wald)
/// interval p ± z·√(p(1−p)/n) for comparison with what papers usually print.
/// </summary>
public static class ProportionIntervals
{
    public static MetricEstimate Wilson(long successes, long n, double confidence = 0.95)
    {
        Check(successes, n, confidence);
        if (n == 0)
        {
            return new MetricEstimate(double.NaN, null, null, 0, IntervalMethods.Wilson) { Confidence = confidence };
        }
        double p = (double)successes / n;
        double z = SpecialFunctions.NormalQuantile(1 - ((1 - confidence) / 2));
        double z2 = z * z;
        double denominator = 1 + (z2 / n);
        double centre = (p + (z2 / (2 * n))) / denominator;
        double half = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n))) / denominator;
        // At 0 and n the bound is exactly 0 (or 1); computed, it can miss by a rounding error.
        double low = successes == 0 ? 0 : Math.Max(0, centre - half);
        double high = successes == n ? 1 : Math.Min(1, centre + half);
        return new MetricEstimate(p, low, high, n, IntervalMethods.Wilson)
        {
            Confidence = confidence,
            StandardError = Math.Sqrt(p * (1 - p) / n),
        };
    }

    public static MetricEstimate Normal(long successes, long n, double confidence = 0.95)
    {
        Check(successes, n, confidence);
        if (n == 0)
        {
            return new MetricEstimate(double.NaN, null, null, 0, IntervalMethods.Normal) { Confidence = confidence };
        }
        double p = (double)successes / n;
        double z = SpecialFunctions.NormalQuantile(1 - ((1 - confidence) / 2));
        double se = Math.Sqrt(p * (1 - p) / n);
        return new MetricEstimate(p, p - (z * se), p + (z * se), n, IntervalMethods.Normal)
        {
            Confidence = confidence,
            StandardError = se,
        };
    }

    private static void Check(long successes, long n, double confidence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (successes < 0 || successes > n)
        {
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"between 0 and n = {n}");
        }
        if (confidence is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "a coverage strictly between 0 and 1");
        }
    }
}

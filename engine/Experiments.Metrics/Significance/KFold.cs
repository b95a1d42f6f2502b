using Experiments.Metrics.Special;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Significance;

/// <summary>One metric over k folds (or seeds): the mean, the sample standard deviation and a Student-t interval.</summary>
public sealed record FoldSummary(double Mean, double StandardDeviation, double CiLow, double CiHigh, int Folds, double Confidence)
{
    /// <summary>As a metrics-document entry (method <c>student-t</c>, n = folds).</summary>
    public MetricEstimate ToEstimate() => new(Mean, CiLow, CiHigh, Folds, IntervalMethods.StudentT)
    {
        Confidence = Confidence,
        StandardError = StandardDeviation / Math.Sqrt(Folds),
    };
}

public static class KFold
{
    /// <summary>
    /// mean ± t(1 − α/2, k − 1) · s / √k. The folds are treated as independent draws, which
    /// k-fold estimates are not quite (training sets overlap; Bengio and Grandvalet 2004), so the
    /// interval is a little narrow: read it as a summary of spread, not a guarantee.
    /// </summary>
    public static FoldSummary Aggregate(IReadOnlyList<double> values, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2)
        {
            throw new ArgumentException($"aggregating folds needs at least two (got {values.Count})");
        }
        (double mean, double variance) = WelchTTest.Moments(values);
        double sd = Math.Sqrt(variance);
        double t = StudentTQuantile(1 - ((1 - confidence) / 2), values.Count - 1);
        double half = t * sd / Math.Sqrt(values.Count);
        return new FoldSummary(mean, sd, mean - half, mean + half, values.Count, confidence);
    }

    /// <summary>The q-quantile (q &gt; ½) of Student's t, by bisection on the two-sided tail.</summary>
    public static double StudentTQuantile(double q, double degreesOfFreedom)
    {
        if (q is <= 0.5 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "a probability between 0.5 and 1");
        }
        double target = 2 * (1 - q);
        double low = 0;
        double high = 1;
        while (SpecialFunctions.StudentTTwoSided(high, degreesOfFreedom) > target)
        {
            high *= 2;
        }
        for (int i = 0; i < 200 && high - low > 1e-15 * high; i++)
        {
            double mid = (low + high) / 2;
            if (SpecialFunctions.StudentTTwoSided(mid, degreesOfFreedom) > target)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }
        return (low + high) / 2;
    }
}

using Experiments.Metrics.Special;

namespace Experiments.Metrics.Significance;

/// <summary>
/// Welch's unequal-variance t-test, for a metric measured across seeds or folds of two
/// configurations (SciPy's <c>ttest_ind(a, b, equal_var=False)</c>): sample variances with
/// n − 1, Welch–Satterthwaite degrees of freedom, two-sided p.
/// </summary>
public sealed record WelchResult(double T, double DegreesOfFreedom, double PValue, double MeanA, double MeanB);

public static class WelchTTest
{
    public static WelchResult Test(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count < 2 || b.Count < 2)
        {
            throw new ArgumentException($"Welch's t-test needs at least two values per side (got {a.Count} and {b.Count})");
        }
        (double meanA, double varA) = Moments(a);
        (double meanB, double varB) = Moments(b);
        double sa = varA / a.Count;
        double sb = varB / b.Count;
        double t = (meanA - meanB) / Math.Sqrt(sa + sb);
        double df = (sa + sb) * (sa + sb) / ((sa * sa / (a.Count - 1)) + (sb * sb / (b.Count - 1)));
        return new WelchResult(t, df, SpecialFunctions.StudentTTwoSided(t, df), meanA, meanB);
    }

    /// <summary>Mean and unbiased variance (two passes, for accuracy).</summary>
    internal static (double Mean, double Variance) Moments(IReadOnlyList<double> values)
    {
        double mean = 0;
        foreach (double v in values)
        {
            mean += v;
        }
        mean /= values.Count;
        double squares = 0;
        foreach (double v in values)
        {
            squares += (v - mean) * (v - mean);
        }
        return (mean, values.Count > 1 ? squares / (values.Count - 1) : double.NaN);
    }
}

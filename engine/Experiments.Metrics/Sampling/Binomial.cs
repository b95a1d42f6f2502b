using Experiments.Metrics.Special;

namespace Experiments.Metrics.Sampling;

/// <summary>
/// Exact Binomial(n, p) draws in constant expected time: inversion for small means, and
/// Hörmann's BTRS (transformed rejection with squeeze, 1993; the sampler TensorFlow and JAX use)
/// for n·p ≥ 10. This is what lets a bootstrap over a million 0/1 outcomes resample the count of
/// ones directly instead of drawing a million indices per iteration.
/// </summary>
internal static class Binomial
{
    public static long Sample(ref Xoshiro random, long n, double p)
    {
        if (n <= 0 || p <= 0)
        {
            return 0;
        }
        if (p >= 1)
        {
            return n;
        }
        if (p > 0.5)
        {
            return n - Sample(ref random, n, 1 - p);
        }
        return n * p < 10 ? Inversion(ref random, n, p) : Btrs(ref random, n, p);
    }

    /// <summary>Sequential search of the CDF from 0 (n·p &lt; 10, so a few dozen steps at most).</summary>
    private static long Inversion(ref Xoshiro random, long n, double p)
    {
        double q = 1 - p;
        double ratio = p / q;
        double probability = Math.Exp(n * Math.Log(q));
        double u = random.NextDouble();
        long k = 0;
        while (u > probability && k < n)
        {
            u -= probability;
            probability *= ratio * (n - k) / (k + 1);
            k++;
            if (probability <= 0)
            {
                // Underflow far in the tail: start over rather than return a biased value.
                u = random.NextDouble();
                k = 0;
                probability = Math.Exp(n * Math.Log(q));
            }
        }
        return k;
    }

    private static long Btrs(ref Xoshiro random, long n, double p)
    {
        double q = 1 - p;
        double spq = Math.Sqrt(n * p * q);
        double b = 1.15 + (2.53 * spq);
        double a = -0.0873 + (0.0248 * b) + (0.01 * p);
        double c = (n * p) + 0.5;
        double vr = 0.92 - (4.2 / b);
        double alpha = (2.83 + (5.1 / b)) * spq;
        double lpq = Math.Log(p / q);
        long m = (long)Math.Floor((n + 1) * p);
        double h = SpecialFunctions.LogFactorial(m) + SpecialFunctions.LogFactorial(n - m);
        while (true)
        {
            double u = random.NextDouble() - 0.5;
            double v = random.NextDouble();
            double us = 0.5 - Math.Abs(u);
            double kd = Math.Floor((((2 * a / us) + b) * u) + c);
            if (kd < 0 || kd > n)
            {
                continue;
            }
            long k = (long)kd;
            if (us >= 0.07 && v <= vr)
            {
                return k;
            }
            v = Math.Log(v * alpha / ((a / (us * us)) + b));
            if (v <= h - SpecialFunctions.LogFactorial(k) - SpecialFunctions.LogFactorial(n - k) + ((k - m) * lpq))
            {
                return k;
            }
        }
    }
}

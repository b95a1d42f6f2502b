namespace Experiments.Tracking.Gates;

/// <summary>
/// A minimal paired bootstrap over per-example scores, used only until the metrics library
/// (Experiments.Metrics, <c>PairedTests.Bootstrap</c>) is merged; same definitions: δ = mean(A) −
/// mean(B), a percentile interval, and the null-shifted one-sided p-value of "A is worse".
/// </summary>
internal static class PairedBootstrapFallback
{
    public static PairedOutcome Compare(double[] current, double[] baseline, double confidence, int iterations, long seed)
    {
        int n = current.Length;
        var differences = new double[n];
        for (int i = 0; i < n; i++)
        {
            differences[i] = current[i] - baseline[i];
        }
        double observed = differences.Average();
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var replicates = new double[iterations];
        for (int r = 0; r < iterations; r++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += differences[random.Next(n)];
            }
            replicates[r] = sum / n;
        }
        Array.Sort(replicates);
        double tail = (1 - confidence) / 2;
        double low = replicates[(int)Math.Floor(tail * (iterations - 1))];
        double high = replicates[(int)Math.Ceiling((1 - tail) * (iterations - 1))];
        int below = replicates.Count(r => r - observed <= observed + 1e-12);
        return new PairedOutcome(observed, low, high, (below + 1.0) / (iterations + 1), n);
    }
}

/// <summary>δ = mean(current) − mean(baseline), its interval, and p of "current is worse".</summary>
public sealed record PairedOutcome(double Delta, double Low, double High, double PWorse, int N);

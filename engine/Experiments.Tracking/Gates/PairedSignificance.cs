namespace Experiments.Tracking.Gates;

/// <summary>The one place gates call a paired significance test (see <see cref="PairedBootstrapFallback"/>).</summary>
public static class PairedSignificance
{
    public static PairedOutcome Compare(double[] current, double[] baseline, double confidence, int iterations, long seed) =>
        PairedBootstrapFallback.Compare(current, baseline, confidence, iterations, seed);
}

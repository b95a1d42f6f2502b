namespace Experiments.Metrics.Uncertainty;

/// <summary>
/// Bootstrap settings. The same seed gives the same replicates on every machine and for any
/// number of threads: iteration b draws from its own stream derived from (seed, b).
/// </summary>
public sealed record BootstrapOptions
{
    public int Iterations { get; init; } = 1000;

    public double Confidence { get; init; } = 0.95;

    public long Seed { get; init; }

    /// <summary>Threads to use (default: all cores); results do not depend on it.</summary>
    public int? Parallelism { get; init; }

    public static BootstrapOptions Default { get; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Iterations);
        if (Confidence is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Confidence), Confidence, "a coverage strictly between 0 and 1");
        }
    }

    internal ParallelOptions ParallelOptions() => new() { MaxDegreeOfParallelism = Parallelism ?? Environment.ProcessorCount };
}

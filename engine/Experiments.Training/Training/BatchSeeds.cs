namespace Experiments.Training.Training;

/// <summary>Independent, reproducible seeds for each micro-batch or epoch from the step's seed.</summary>
internal static class BatchSeeds
{
    /// <summary>SplitMix64's finaliser over (seed, stream, index): well mixed, cheap, stable.</summary>
    public static long Derive(long seed, long stream, long index)
    {
        ulong z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL * (ulong)(stream + 1) + 0xBF58476D1CE4E5B9UL * (ulong)index);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return unchecked((long)(z ^ (z >> 31)));
    }
}

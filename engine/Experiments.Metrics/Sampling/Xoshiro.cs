namespace Experiments.Metrics.Sampling;

/// <summary>
/// xoshiro256** seeded through SplitMix64: the same generator as the engine's
/// <c>Experiments.Engine.Util.SeededRandom</c>, mirrored here so the metric library stays free of
/// the engine. A mutable struct so the bootstrap's inner loops keep it in registers and allocate
/// nothing; pass it by <c>ref</c>.
/// </summary>
internal struct Xoshiro
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public Xoshiro(long seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>
    /// An independent stream for one unit of work (a bootstrap iteration, a simulated seed), so a
    /// result does not depend on how many threads shared the work or in which order they ran.
    /// </summary>
    public static Xoshiro ForStream(long seed, long stream)
    {
        ulong x = unchecked((ulong)seed ^ ((ulong)stream * 0xD1B54A32D192ED03UL));
        return new Xoshiro(unchecked((long)SplitMix(ref x)));
    }

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// An integer in [0, <paramref name="maxExclusive"/>) by Lemire's multiply-and-reject: one
    /// multiplication in the common case, no division, no modulo bias.
    /// </summary>
    public int NextInt(int maxExclusive)
    {
        ulong bound = (ulong)maxExclusive;
        ulong product = Math.BigMul(NextUInt64(), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                product = Math.BigMul(NextUInt64(), bound, out low);
            }
        }
        return (int)product;
    }

    /// <summary>A fair coin.</summary>
    public bool NextBool() => (NextUInt64() >> 63) != 0;

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}

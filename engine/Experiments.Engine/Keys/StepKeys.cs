using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Experiments.Engine.Compile;
using Experiments.Engine.Kinds;

namespace Experiments.Engine.Keys;

/// <summary>Computes a node's key once the digests of everything it reads are known.</summary>
public static class StepKeys
{
    public static KeyDescription Describe(
        StepNode node,
        long experimentSeed,
        IReadOnlyDictionary<string, string> inputDigests,
        IReadOnlyDictionary<string, string> sourceDigests) =>
        Describe(node.Kind, node.Params, experimentSeed, inputDigests, sourceDigests);

    /// <summary>
    /// The same computation from a kind and its canonical parameters, for a step resolved away from
    /// its graph (a Slurm job completing a <see cref="Store.StepRecipe"/>): one function, so the key
    /// is the one a local run computes.
    /// </summary>
    public static KeyDescription Describe(
        StepKind kind,
        IReadOnlyDictionary<string, CanonicalValue> parameters,
        long experimentSeed,
        IReadOnlyDictionary<string, string> inputDigests,
        IReadOnlyDictionary<string, string> sourceDigests)
    {
        IReadOnlyDictionary<string, string> environment = kind.EnvironmentFacets(parameters);
        var unseeded = new KeyDescription(
            kind.Name, kind.Schema.Version, parameters, inputDigests, sourceDigests, 0, environment);
        string withoutSeed = unseeded.WithoutSeedJson();
        // The seed comes from everything in the key except params that must not move it.
        string seedBasis = kind.Schema.Params.Any(p => !p.AffectsSeed)
            ? (unseeded with
            {
                Params = parameters
                    .Where(p => kind.Schema.FindParam(p.Key)?.AffectsSeed != false)
                    .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            }).WithoutSeedJson()
            : withoutSeed;
        return unseeded.WithDerivedSeed(withoutSeed, DeriveSeed(experimentSeed, seedBasis));
    }

    /// <summary>
    /// The step's RNG seed: a hash of the experiment seed and everything else in the key, so a
    /// step rerun alone reproduces itself, and two different steps never share a random stream.
    /// </summary>
    public static long DeriveSeed(long experimentSeed, string descriptionWithoutSeed)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"exp-seed-v1\n{experimentSeed}\n{descriptionWithoutSeed}"));
        return BinaryPrimitives.ReadInt64LittleEndian(hash) & long.MaxValue;
    }
}

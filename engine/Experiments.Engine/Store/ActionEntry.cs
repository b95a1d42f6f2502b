using System.Text.Json.Serialization;

namespace Experiments.Engine.Store;

/// <summary>One file of an output: its path inside the output folder, its blob digest and size.</summary>
public sealed record OutputFile(string Path, string Digest, long Size);

/// <summary>
/// One output of a step: its files and the digest of its manifest (what downstream keys hash,
/// so identical bytes give identical downstream keys).
/// </summary>
public sealed record OutputManifest(string Type, string Digest, IReadOnlyList<OutputFile> Files);

/// <summary>
/// An action-cache entry (Bazel's ActionResult): what a step key produced. Written only after all
/// its blobs are in place, so an entry that exists is complete.
/// </summary>
public sealed record ActionEntry
{
    public required string Key { get; init; }

    public required string Step { get; init; }

    public required string Kind { get; init; }

    public required IReadOnlyDictionary<string, OutputManifest> Outputs { get; init; }

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public double Seconds { get; init; }

    public DateTimeOffset Created { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(ActionEntry))]
[JsonSerializable(typeof(RunRecord))]
[JsonSerializable(typeof(StepSpecRecord))]
[JsonSerializable(typeof(RecipeResult))]
[JsonSerializable(typeof(Slurm.SlurmJobRecord))]
internal sealed partial class StoreJson : JsonSerializerContext;

using Experiments.Engine.Kinds;

namespace Experiments.Engine.Execution;

/// <summary>
/// An upstream output as a step sees it: its type and its files (relative path to a read-only
/// path in the store). Steps read inputs; they never write them.
/// </summary>
public sealed class InputArtifact(ArtifactType type, IReadOnlyDictionary<string, string> files)
{
    public ArtifactType Type { get; } = type;

    public IReadOnlyDictionary<string, string> Files { get; } = files;

    /// <summary>The readable path of one file of the artifact.</summary>
    public string File(string relativePath) =>
        Files.TryGetValue(relativePath, out string? path)
            ? path
            : throw new StepFailedException($"The {Type.ToString().ToLowerInvariant()} input has no file '{relativePath}' (it has: {string.Join(", ", Files.Keys)}).");
}

/// <summary>A user's file named by a path parameter: the spelling they wrote and where its bytes are.</summary>
public sealed record SourceFile(string DisplayPath, string ContentPath);

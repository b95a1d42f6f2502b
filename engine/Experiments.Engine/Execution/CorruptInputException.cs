using Experiments.Engine.Store;

namespace Experiments.Engine.Execution;

/// <summary>An input blob failed verification when a step was about to read it.</summary>
public sealed class CorruptInputException(string inputName, OutputFile file)
    : Exception($"input `{inputName}` file {file.Path} (blob {file.Digest[..12]}) is damaged or missing.")
{
    public string InputName { get; } = inputName;

    public OutputFile File { get; } = file;
}

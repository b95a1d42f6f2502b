namespace Experiments.Engine.Kinds;

/// <summary>
/// An input of a step kind. Inputs are written as leading positional arguments, in declaration
/// order, or by name (<c>val: splits.val</c>).
/// </summary>
public sealed record InputSpec(string Name, ArtifactType Type, string Doc, bool Required = true);

/// <summary>An output of a step kind; <c>splits.train</c> names output <c>train</c> of step <c>splits</c>.</summary>
public sealed record OutputSpec(string Name, ArtifactType Type, string Doc);

/// <summary>
/// What one execution of the kind occupies, so the scheduler does not oversubscribe the machine:
/// CPU slots (out of <c>--jobs</c>), GPUs, and memory in MiB.
/// </summary>
public sealed record ResourceSlots(int Cpu = 1, int Gpu = 0, int MemoryMb = 0)
{
    public static readonly ResourceSlots Light = new();
}

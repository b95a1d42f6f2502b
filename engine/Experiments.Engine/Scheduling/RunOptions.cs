using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;

namespace Experiments.Engine.Scheduling;

/// <summary>How a run may use the machine.</summary>
public sealed record RunOptions
{
    /// <summary>CPU slots: how many light steps run at once (<c>--jobs</c>; default: cores).</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

    public int Gpus { get; init; }

    public int MemoryMb { get; init; } = (int)Math.Min(int.MaxValue, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024));

    /// <summary>
    /// Live metric sinks for the steps this process executes (tracking listens here); steps run
    /// elsewhere (Slurm) leave their series in the store, where tracking reads them afterwards.
    /// </summary>
    public IStepMetricSinks? MetricSinks { get; init; }

    public ResourceSlots Capacity => new(Math.Max(1, Jobs), Gpus, MemoryMb);
}

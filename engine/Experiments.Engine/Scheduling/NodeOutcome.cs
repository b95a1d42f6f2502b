using Experiments.Engine.Compile;
using Experiments.Engine.Keys;
using Experiments.Engine.Store;

namespace Experiments.Engine.Scheduling;

public enum NodeStatus
{
    Ran,
    Cached,
    Failed,
    Skipped,
    Cancelled,
}

/// <summary>What happened to one node in a run.</summary>
public sealed record NodeOutcome(StepNode Node, NodeStatus Status)
{
    public string? Key => Description?.Key;

    public KeyDescription? Description { get; init; }

    public ActionEntry? Entry { get; init; }

    /// <summary>Wall time of the execution (zero for cached or skipped nodes).</summary>
    public double Seconds { get; init; }

    /// <summary>Why it ran (`param lr 0.0003 → 0.001`), or why it failed or was skipped.</summary>
    public string? Message { get; init; }

    /// <summary>The step's log in the store, when it executed.</summary>
    public string? LogPath { get; init; }

    /// <summary>The batch job that executed it (or was cancelled), when an executor submitted one.</summary>
    public string? JobId { get; init; }

    public bool Succeeded => Status is NodeStatus.Ran or NodeStatus.Cached;
}

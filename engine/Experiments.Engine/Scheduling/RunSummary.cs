using Experiments.Engine.Compile;

namespace Experiments.Engine.Scheduling;

/// <summary>The outcome of every node of a run, in graph order.</summary>
public sealed record RunSummary(StepGraph Graph, IReadOnlyList<NodeOutcome> Outcomes, double EngineSeconds)
{
    public int Count(NodeStatus status) => Outcomes.Count(o => o.Status == status);

    public bool Cancelled => Outcomes.Any(o => o.Status == NodeStatus.Cancelled);

    public bool Succeeded => Outcomes.All(o => o.Succeeded);

    /// <summary>0 when every step succeeded, 1 when one failed, 130 when the run was cancelled.</summary>
    public int ExitCode => Succeeded ? 0 : Cancelled && Count(NodeStatus.Failed) == 0 ? 130 : 1;
}

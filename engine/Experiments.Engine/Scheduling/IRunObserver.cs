using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Execution;

namespace Experiments.Engine.Scheduling;

/// <summary>What a run reports as it goes; the CLI renders it (progress bars on a terminal, lines otherwise).</summary>
public interface IRunObserver
{
    void StepStarted(StepNode node, string reason);

    void StepProgress(StepNode node, StepProgress progress);

    void StepFinished(NodeOutcome outcome);

    /// <summary>Another process holds the step's lock and is computing it; this run waits for its result.</summary>
    void StepWaiting(StepNode node);

    void Warning(Diagnostic diagnostic);

    /// <summary>
    /// An executor handed the step to a batch system as job <paramref name="jobId"/>, or found the
    /// job an earlier run submitted for it still queued or running (<paramref name="attached"/>).
    /// </summary>
    void StepSubmitted(StepNode node, string jobId, bool attached)
    {
    }
}

/// <summary>An observer that ignores everything (tests, benchmarks).</summary>
public sealed class NullRunObserver : IRunObserver
{
    public static readonly NullRunObserver Instance = new();

    public void StepStarted(StepNode node, string reason)
    {
    }

    public void StepProgress(StepNode node, StepProgress progress)
    {
    }

    public void StepFinished(NodeOutcome outcome)
    {
    }

    public void StepWaiting(StepNode node)
    {
    }

    public void Warning(Diagnostic diagnostic)
    {
    }
}

using System.Collections.Concurrent;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Execution;
using Experiments.Engine.Scheduling;

namespace Experiments.Engine.Tests.Support;

/// <summary>Keeps what a run reported, for assertions.</summary>
internal sealed class RecordingObserver : IRunObserver
{
    public ConcurrentQueue<(StepNode Node, string Reason)> Started { get; } = new();

    public ConcurrentQueue<Diagnostic> Warnings { get; } = new();

    public void StepStarted(StepNode node, string reason) => Started.Enqueue((node, reason));

    public void StepProgress(StepNode node, StepProgress progress)
    {
    }

    public void StepFinished(NodeOutcome outcome)
    {
    }

    public void StepWaiting(StepNode node)
    {
    }

    public void Warning(Diagnostic diagnostic) => Warnings.Enqueue(diagnostic);
}

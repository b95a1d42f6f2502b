using System.Globalization;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Execution;
using Experiments.Engine.Scheduling;

namespace Experiments.Cli.Rendering;

/// <summary>
/// Progress as plain lines, for logs and CI: one line when a step starts (with why), one when it
/// ends. Cached steps are counted, not listed, so a no-op run of thousands of steps stays quiet.
/// </summary>
internal sealed class PlainRunObserver(TextWriter output, TextWriter error) : IRunObserver
{
    private readonly object _gate = new();

    public void StepStarted(StepNode node, string reason) =>
        Write(output, $"start   {node.Id} ({node.Kind.Name}): {reason}");

    public void StepProgress(StepNode node, StepProgress progress)
    {
    }

    public void StepFinished(NodeOutcome outcome)
    {
        string seconds = outcome.Seconds.ToString("F2", CultureInfo.InvariantCulture);
        switch (outcome.Status)
        {
            case NodeStatus.Ran:
                Write(output, $"ran     {outcome.Node.Id} in {seconds} s");
                break;
            case NodeStatus.Failed:
                Write(error, $"FAILED  {outcome.Node.Id}: {outcome.Message}");
                if (outcome.LogPath is not null)
                {
                    Write(error, $"        log: {outcome.LogPath}");
                }
                break;
            case NodeStatus.Skipped:
                Write(output, $"skipped {outcome.Node.Id}: {outcome.Message}");
                break;
            case NodeStatus.Cancelled when outcome.JobId is not null:
                // Say what became of the batch job: cancelled, or left running for a later run.
                Write(output, $"cancel  {outcome.Node.Id}: {outcome.Message}");
                break;
        }
    }

    public void StepWaiting(StepNode node) =>
        Write(output, $"waiting {node.Id}: for the same step (same key) being computed by another node or exp process");

    public void StepSubmitted(StepNode node, string jobId, bool attached) =>
        Write(output, attached
            ? $"attach  {node.Id}: job {jobId} (submitted by an earlier run, still queued or running)"
            : $"submit  {node.Id}: job {jobId}");

    public void Warning(Diagnostic diagnostic) => Write(error, diagnostic.Format());

    private void Write(TextWriter writer, string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
        }
    }
}

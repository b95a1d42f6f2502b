using Experiments.Engine.Execution;

namespace Experiments.Steps.Data;

/// <summary>Reports a loop's progress about a hundred times, however long it is.</summary>
internal sealed class ProgressTicker(StepContext context, long total, string message)
{
    private readonly long _every = Math.Max(1, total / 100);

    public void Tick(long done)
    {
        if (done % _every == 0 || done == total)
        {
            context.Report(total == 0 ? 1 : (double)done / total, message);
        }
    }
}

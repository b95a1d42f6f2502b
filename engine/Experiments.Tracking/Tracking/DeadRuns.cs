using Experiments.Tracking.Ledger;
using Experiments.Tracking.Mlflow;

namespace Experiments.Tracking.Tracking;

/// <summary>
/// Runs left RUNNING by an `exp` that was killed (SIGKILL, power loss, an OOM kill): closed as
/// KILLED by the next tracked invocation, `exp runs` or `exp mlflow sync` on the same host, and
/// queued for MLflow like any finished run when MLflow is configured, so the server sees them end.
/// </summary>
public static class DeadRuns
{
    /// <summary>Closes the dead runs (see <see cref="LedgerWriter.CloseDeadRuns"/>); with <paramref name="queueForMlflow"/> queues them too.</summary>
    public static IReadOnlyList<ClosedRun> Close(RunLedger ledger, bool queueForMlflow, RunOwner? observer = null)
    {
        IReadOnlyList<ClosedRun> closed = ledger.Write(w => w.CloseDeadRuns(observer ?? RunOwner.Current));
        if (queueForMlflow && closed.Count > 0)
        {
            OutboxPlanner.Queue(ledger, [.. closed.Select(c => c.Id)]);
        }
        return closed;
    }

    /// <summary>One line per invocation closed (its variants go with it).</summary>
    public static IEnumerable<string> Notes(IReadOnlyList<ClosedRun> closed) =>
        closed.Where(c => c.ParentId is null || closed.All(p => p.Id != c.ParentId)).Select(c =>
        {
            int variants = closed.Count(v => v.ParentId == c.Id);
            return $"exp: note: run {c.Id[..8]} ({c.Name}) was left RUNNING by process {c.Owner.Pid} on {c.Owner.Host}, which is gone; "
                + $"closed it as KILLED{(variants > 0 ? $" with its {variants} variant run(s)" : string.Empty)}.";
        });
}

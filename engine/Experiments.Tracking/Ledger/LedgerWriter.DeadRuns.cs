using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Experiments.Tracking.Ledger;

/// <summary>A run whose process died before closing it, now closed as KILLED.</summary>
public sealed record ClosedRun(string Id, string? ParentId, string Name, RunOwner Owner, DateTimeOffset End);

public sealed partial class LedgerWriter
{
    public const string KilledTag = "exp.killed";

    /// <summary>
    /// Closes, as KILLED, every RUNNING run whose owning process is gone as seen from
    /// <paramref name="observer"/> (see <see cref="RunOwner.IsGone"/>; runs of other hosts and runs
    /// recorded without an owner stay as they are), and the running children of such a run. A run
    /// ends at its last metric point (a parent at the last of its own and its children's), else
    /// now. Done in one write transaction, so two processes that look at once close each run once.
    /// Returns the runs closed, parents before children.
    /// </summary>
    public IReadOnlyList<ClosedRun> CloseDeadRuns(RunOwner observer)
    {
        var running = new List<(string Id, string? Parent, string Name, long Start, RunOwner? Owner)>();
        using (SqliteCommand command = RunLedger.Command(_connection,
            "SELECT id, parent_id, name, start_time, host, pid, process_start, boot_id FROM runs WHERE status = 'RUNNING'"))
        {
            command.Transaction = _transaction;
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                RunOwner? owner = reader.IsDBNull(4) || reader.IsDBNull(5)
                    ? null
                    : new RunOwner(reader.GetString(4), reader.GetInt32(5), reader.IsDBNull(6) ? 0 : reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetString(7));
                running.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetInt64(3), owner));
            }
        }
        if (running.Count == 0)
        {
            return [];
        }
        var gone = new Dictionary<RunOwner, bool>();
        bool IsGone(RunOwner? owner) => owner is not null && (gone.TryGetValue(owner, out bool known) ? known : gone[owner] = owner.IsGone(observer));
        var dead = running.Where(r => IsGone(r.Owner)).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        // Children go with their invocation, also ones recorded without an owner of their own.
        var closing = running.Where(r => dead.Contains(r.Id) || (r.Parent is not null && dead.Contains(r.Parent))).ToList();
        if (closing.Count == 0)
        {
            return [];
        }

        long now = NowMs;
        var ids = closing.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        bool WithParent((string Id, string? Parent, string Name, long Start, RunOwner? Owner) run) => run.Parent is not null && ids.Contains(run.Parent);
        var lastPoint = closing.ToDictionary(r => r.Id, r => LastMetricTimestamp(r.Id), StringComparer.Ordinal);
        var ends = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var top in closing.Where(r => !WithParent(r)))
        {
            long? last = closing.Where(c => c.Id == top.Id || c.Parent == top.Id).Max(c => lastPoint[c.Id]);
            ends[top.Id] = Math.Max(top.Start, last ?? now);
        }
        foreach (var child in closing.Where(WithParent))
        {
            // A variant that logged nothing lasted, as far as anyone can tell, as long as its invocation.
            ends[child.Id] = Math.Max(child.Start, lastPoint[child.Id] ?? ends[child.Parent!]);
        }

        var closed = new List<ClosedRun>();
        foreach (var run in closing.OrderBy(r => WithParent(r) ? 1 : 0).ThenBy(r => r.Start))
        {
            RunOwner owner = run.Owner ?? closing.First(p => p.Id == run.Parent).Owner!;
            if (Run("UPDATE runs SET status = $s, end_time = $t WHERE id = $r AND status = 'RUNNING'",
                ("$s", RunStatus.Killed), ("$t", ends[run.Id]), ("$r", run.Id)) == 0)
            {
                continue;
            }
            if (!WithParent(run))
            {
                // A child shows its parent's tags, so the invocation's run says it for all of them.
                Run("INSERT OR REPLACE INTO tags(run_id, key, value) VALUES ($r, $k, $v)", ("$r", run.Id), ("$k", KilledTag),
                    ("$v", $"process {owner.Pid.ToString(CultureInfo.InvariantCulture)} on {owner.Host} ended without closing the run; "
                        + "closed as KILLED by a later exp"));
            }
            closed.Add(new ClosedRun(run.Id, run.Parent, run.Name, owner, DateTimeOffset.FromUnixTimeMilliseconds(ends[run.Id])));
        }
        return closed;
    }

    private long? LastMetricTimestamp(string runId) =>
        Scalar("SELECT MAX(timestamp) FROM metrics WHERE run_id = $r", ("$r", runId)) is long last ? last : null;

    /// <summary>Whether a run already has requests in the outbox (queued once, however many processes try).</summary>
    internal bool HasOutbox(string runId) => Scalar("SELECT 1 FROM outbox WHERE run_id = $r LIMIT 1", ("$r", runId)) is not null;
}

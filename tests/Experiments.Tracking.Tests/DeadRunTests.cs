using System.Diagnostics;
using Experiments.Tracking.Ledger;
using Experiments.Tracking.Mlflow;
using Experiments.Tracking.Tests.Support;
using Experiments.Tracking.Tracking;
using Microsoft.Data.Sqlite;

namespace Experiments.Tracking.Tests;

/// <summary>
/// Runs left RUNNING by a process that is gone: which ones count as dead (a pid no process has, a
/// reused pid, another boot), which are left alone (this process, another host, no owner), the
/// end time given to them, and that two processes looking at once close and queue each run once.
/// </summary>
public sealed class DeadRunTests : IDisposable
{
    private static readonly DateTimeOffset s_start = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private readonly TempFolder _folder = new();

    private string LedgerPath => Path.Combine(_folder.Root, RunLedger.FileName);

    private static NewRun Run(RunOwner owner) => new("e", null, "r", "x.exp", [], [], new Dictionary<string, string>(), new Dictionary<string, string>())
    {
        Owner = owner,
    };

    /// <summary>The pid of a real process that has exited (and been reaped): no process has it now.</summary>
    private static async Task<int> ExitedPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }

    [Fact]
    public async Task Runs_of_gone_processes_on_this_host_are_closed_as_killed_and_the_rest_are_left_alone()
    {
        var clock = new SettableClock(s_start);
        using RunLedger ledger = RunLedger.Open(LedgerPath, clock);
        RunOwner me = RunOwner.Current;
        Assert.NotNull(me.BootId);
        int exitedPid = await ExitedPid();
        RunOwner exitedOwner = me with { Pid = exitedPid, StartTime = 12_345 };
        string Start(RunOwner owner) => ledger.Write(w => w.StartRun(Run(owner)));

        string alive = Start(me);
        string exited = Start(exitedOwner);
        string reused = Start(me with { StartTime = me.StartTime + 1 });
        string rebooted = Start(me with { BootId = "another boot" });
        string elsewhere = Start(exitedOwner with { Host = me.Host + "-elsewhere" });
        string sweep = Start(exitedOwner);
        string[] variants = ledger.Write(w => w.StartChildren(sweep, "e", "x.exp", [],
            [("v=1", [KeyValuePair.Create("v", "1")]), ("v=2", [KeyValuePair.Create("v", "2")])], exitedOwner));
        long t1 = s_start.ToUnixTimeMilliseconds() + 1_000;
        long t2 = s_start.ToUnixTimeMilliseconds() + 2_000;
        ledger.Write(w => w.LogMetrics(variants[0], [new MetricRow("work.tick", 0, t1, 1), new MetricRow("work.tick", 1, t2, 2)]));
        clock.Now = s_start.AddMinutes(1);

        IReadOnlyList<ClosedRun> closed = DeadRuns.Close(ledger, queueForMlflow: false);

        Assert.Equal(new[] { exited, reused, rebooted, sweep, variants[0], variants[1] }.Order(StringComparer.Ordinal), closed.Select(c => c.Id).Order(StringComparer.Ordinal));
        // Parents before their children (a child's MLflow run needs its parent's).
        Assert.True(closed.ToList().FindIndex(c => c.Id == sweep) < closed.ToList().FindIndex(c => c.Id == variants[0]));
        foreach (string id in new[] { exited, reused, rebooted, sweep, variants[0], variants[1] })
        {
            Assert.Equal(RunStatus.Killed, ledger.TryGetRun(id)!.Status);
        }
        foreach (string id in new[] { alive, elsewhere })
        {
            Assert.Equal(RunStatus.Running, ledger.TryGetRun(id)!.Status);
            Assert.Null(ledger.TryGetRun(id)!.End);
        }
        // The end: the last metric point (an invocation's: any of its variants'), else now.
        Assert.Equal(t2, ledger.TryGetRun(sweep)!.End!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(t2, ledger.TryGetRun(variants[0])!.End!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(t2, ledger.TryGetRun(variants[1])!.End!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(clock.Now, ledger.TryGetRun(exited)!.End);
        Assert.StartsWith($"process {exitedPid} on {me.Host} ended without closing the run", ledger.Tags(sweep)[LedgerWriter.KilledTag]);
        Assert.Contains(LedgerWriter.KilledTag, ledger.Tags(variants[1]).Keys);
        Assert.Contains(DeadRuns.Notes(closed), n => n.Contains($"run {sweep[..8]} (r) was left RUNNING by process {exitedPid}", StringComparison.Ordinal)
            && n.EndsWith("closed it as KILLED with its 2 variant run(s).", StringComparison.Ordinal));
        Assert.Equal(4, DeadRuns.Notes(closed).Count());

        Assert.Empty(DeadRuns.Close(ledger, queueForMlflow: false));
    }

    [Fact]
    public async Task Two_processes_that_look_at_once_close_and_queue_each_dead_run_once()
    {
        int exitedPid = await ExitedPid();
        RunOwner gone = RunOwner.Current with { Pid = exitedPid, StartTime = 1 };
        string[] dead;
        using (RunLedger setup = RunLedger.Open(LedgerPath))
        {
            dead = [.. Enumerable.Range(0, 20).Select(_ => setup.Write(w => w.StartRun(Run(gone))))];
        }
        // Two connections, as two exp processes have.
        using RunLedger first = RunLedger.Open(LedgerPath);
        using RunLedger second = RunLedger.Open(LedgerPath);
        using var go = new Barrier(2);
        Task<IReadOnlyList<ClosedRun>> a = Task.Run(() =>
        {
            go.SignalAndWait();
            return DeadRuns.Close(first, queueForMlflow: true);
        });
        Task<IReadOnlyList<ClosedRun>> b = Task.Run(() =>
        {
            go.SignalAndWait();
            return DeadRuns.Close(second, queueForMlflow: true);
        });
        IReadOnlyList<ClosedRun>[] both = await Task.WhenAll(a, b);
        Assert.Equal(dead.Order(StringComparer.Ordinal), both.SelectMany(c => c).Select(c => c.Id).Order(StringComparer.Ordinal));

        // `exp mlflow sync` queueing the same runs meanwhile adds nothing either.
        OutboxPlanner.Queue(first, dead);
        Assert.Equal(0, OutboxPlanner.QueueUndelivered(second));
        using var connection = new SqliteConnection($"Data Source={LedgerPath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT run_id, COUNT(*) FROM outbox WHERE kind = 'create_run' GROUP BY run_id";
        using SqliteDataReader reader = command.ExecuteReader();
        var creates = new Dictionary<string, long>();
        while (reader.Read())
        {
            creates[reader.GetString(0)] = reader.GetInt64(1);
        }
        Assert.Equal(dead.Order(StringComparer.Ordinal), creates.Keys.Order(StringComparer.Ordinal));
        Assert.All(creates.Values, count => Assert.Equal(1, count));
    }

    public void Dispose() => _folder.Dispose();

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

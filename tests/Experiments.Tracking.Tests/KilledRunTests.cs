using System.Diagnostics;
using System.Text.Json;
using Experiments.Tracking.Ledger;
using Experiments.Tracking.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Experiments.Tracking.Tests;

/// <summary>
/// A real `exp run` killed with SIGKILL in the middle of a sweep, after its steps logged metric
/// points: the next `exp runs` closes the run and its variants as KILLED, ending at their last
/// point, and the next invocation delivers them to MLflow exactly once, with status KILLED.
/// </summary>
public sealed class KilledRunTests : StandInTests
{
    private ProcessStartInfo Exp(string dll, params string[] args) => RealExp.StartInfo(dll, Folder.Root, RealExp.Mlflow(Server.Uri), args);

    /// <summary>A number from the ledger, read as another process would; 0 while it does not have the table yet.</summary>
    private long Scalar(string sql)
    {
        try
        {
            return ReadScalar(sql);
        }
        catch (SqliteException) when (sql.StartsWith("SELECT COUNT(*) FROM metrics", StringComparison.Ordinal))
        {
            return 0;
        }
    }

    private long ReadScalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Folder.Store, RunLedger.FileName)};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : 0;
    }

    [Fact]
    public async Task A_run_killed_mid_sweep_is_closed_as_killed_and_reaches_mlflow_once()
    {
        string victim = Folder.Write("victim.exp", """
            experiment victim {
              data work = tick(points: sweep[2, 3], seconds: 300)
            }
            """);
        using var process = Process.Start(Exp(RealExp.TestHostDll, "run", victim, "--store", Folder.Store, "--jobs", "2"))!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        try
        {
            // Both variants have logged their points (2 + 3, flushed to the ledger twice a second) and sleep.
            var waited = Stopwatch.StartNew();
            while (!process.HasExited && waited.Elapsed < TimeSpan.FromMinutes(2)
                && (!File.Exists(Path.Combine(Folder.Store, RunLedger.FileName)) || Scalar("SELECT COUNT(*) FROM metrics") < 5))
            {
                await Task.Delay(100);
            }
            if (process.HasExited)
            {
                Assert.Fail($"exp ended before it could be killed:\n{await output}\n{await error}");
            }
            Assert.Equal(5, Scalar("SELECT COUNT(*) FROM metrics"));
        }
        finally
        {
            // SIGKILL: no handler runs, the run stays RUNNING. (Also when the wait failed: no sleeper is left behind.)
            process.Kill();
            await process.WaitForExitAsync();
        }
        Assert.Equal(3, Scalar("SELECT COUNT(*) FROM runs WHERE status = 'RUNNING'"));
        Assert.Equal(process.Id, Scalar("SELECT pid FROM runs WHERE parent_id IS NULL"));
        long lastPoint = Scalar("SELECT MAX(timestamp) FROM metrics");
        Assert.Equal(0, Server.RunsCreated);

        // `exp runs` (MLflow configured) closes the run and its variants and queues them.
        CliResult runs = await RealExp.RunAsync(Exp(RealExp.ExpDll, "runs", "--store", Folder.Store, "--all", "--json"));
        Assert.True(runs.ExitCode == 0, runs.ToString());
        JsonElement[] listed = [.. JsonDocument.Parse(runs.Output).RootElement.GetProperty("runs").EnumerateArray()];
        Assert.Equal(3, listed.Length);
        Assert.All(listed, r => Assert.Equal("KILLED", r.GetProperty("status").GetString()));
        JsonElement parent = listed.Single(r => !r.TryGetProperty("parent", out _));
        string parentId = parent.GetProperty("id").GetString()!;
        Assert.Contains($"exp: note: run {parentId[..8]} (", runs.Error);
        Assert.Contains($"was left RUNNING by process {process.Id} on {Environment.MachineName}, which is gone; closed it as KILLED with its 2 variant run(s).", runs.Error);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(lastPoint).UtcDateTime, parent.GetProperty("end").GetDateTime().ToUniversalTime());
        Assert.Equal(lastPoint, Scalar("SELECT end_time FROM runs WHERE parent_id IS NULL"));
        Assert.True(Scalar("SELECT COUNT(*) FROM outbox WHERE delivered IS NULL") > 0, "the killed runs should be queued for MLflow");
        Assert.Equal(0, Server.RunsCreated);

        // The next invocation (another experiment, quick) sends them while it runs.
        string other = Folder.Write("other.exp", """
            experiment other {
              data reviews = generate.sentiment(examples: 40)
            }
            """);
        CliResult next = await RealExp.RunAsync(Exp(RealExp.ExpDll, "run", other, "--store", Folder.Store));
        Assert.True(next.ExitCode == 0, next.ToString());
        MlflowStandIn.RunState killed = Assert.Single(Server.Runs, r => r.Tags.GetValueOrDefault("exp.run_id") == parentId);
        Assert.Equal("KILLED", killed.Status);
        Assert.Equal(lastPoint, killed.EndTime);
        Assert.StartsWith($"process {process.Id} on ", killed.Tags[LedgerWriter.KilledTag]);
        MlflowStandIn.RunState[] variants = [.. Server.Runs.Where(r => r.Tags.GetValueOrDefault("mlflow.parentRunId") == killed.Id)];
        Assert.Equal(2, variants.Length);
        Assert.All(variants, v => Assert.Equal("KILLED", v.Status));
        Assert.Equal(5, variants.Sum(v => v.Metrics.Count));
        LedgerTotals.AssertDelivered(Server, Folder.Store);

        // Nothing is left to send, and a sync sends nothing twice.
        CliResult sync = await RealExp.RunAsync(Exp(RealExp.ExpDll, "mlflow", "sync", "--store", Folder.Store));
        Assert.True(sync.ExitCode == 0, sync.ToString());
        Assert.Contains("0 request(s) delivered of 0 queued", sync.Output);
        Assert.Equal(4, Server.RunsCreated);
        Assert.Empty(Server.Duplicates);
    }
}

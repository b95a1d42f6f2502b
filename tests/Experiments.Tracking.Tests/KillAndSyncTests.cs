using System.Diagnostics;
using Experiments.Tracking.Tests.Support;

namespace Experiments.Tracking.Tests;

/// <summary>
/// The real `exp` process, killed while it delivers to MLflow (one batch applied by the server but
/// never acknowledged), then `exp mlflow sync`: every run, param, metric point and artifact
/// arrives exactly once.
/// </summary>
public sealed class KillAndSyncTests : StandInTests
{
    private ProcessStartInfo Exp(params string[] args) => RealExp.StartInfo(RealExp.ExpDll, Folder.Root, RealExp.Mlflow(Server.Uri), args);

    [Fact]
    public async Task Killing_exp_mid_delivery_then_syncing_delivers_everything_exactly_once()
    {
        var repo = new GitRepo(Folder.Root);
        repo.Ignore(".exp/");
        string file = Path.Combine(Folder.Root, "killed.exp");
        repo.Commit("experiment", ("killed.exp", """
            experiment killed {
              seed 5
              data reviews = generate.sentiment(examples: sweep[200, 300, 400])
              data splits  = split(reviews, train: 0.8, val: 0.1, test: 0.1)
              gate reviews.rows >= 100
            }
            """), ("notes.txt", "v1\n"));
        File.WriteAllText(Path.Combine(Folder.Root, "notes.txt"), "v2, not committed\n");

        // The second log-batch is applied by the server, which then holds the answer back; the
        // process is killed while it waits, so the batch is in MLflow but not marked delivered.
        Server.ResponseDelay = TimeSpan.FromMilliseconds(50);
        Server.Inject(new Fault("runs/log-batch", FaultKind.Status, 503), new Fault("runs/log-batch", FaultKind.HangThenApply, Delay: TimeSpan.FromSeconds(5)));
        using var process = Process.Start(Exp("run", file, "--store", Folder.Store))!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        Task finished = await Task.WhenAny(Server.HangStarted.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(2)));
        // (No awaiting the output here: it ends only when the process does.)
        Assert.True(finished == Server.HangStarted.Task && !process.HasExited, "exp finished before it could be killed mid-delivery");
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        Assert.True(Server.Runs.Any(r => r.Tags.ContainsKey("exp.outbox.seq")), "the held-back batch should have been applied");
        Assert.True(LedgerTotals.Read(Folder.Store).Pending > 0, $"delivery should have been cut short: {LedgerTotals.Read(Folder.Store)}\n{string.Join("\n", Server.Log)}");

        CliResult sync = await RealExp.RunAsync(Exp("mlflow", "sync", "--store", Folder.Store));
        Assert.True(sync.ExitCode == 0, sync.ToString());
        LedgerTotals.AssertDelivered(Server, Folder.Store);
        // The batch the killed process never saw acknowledged was checked, not resent.
        Assert.Contains(Server.Log, l => l.Contains("runs/get @", StringComparison.Ordinal));
        MlflowStandIn.RunState parent = Assert.Single(Server.Runs, r => !r.Tags.ContainsKey("mlflow.parentRunId"));
        Assert.Equal("true", parent.Tags["exp.git.dirty"]);
        Assert.Equal(3, Server.Runs.Count(r => r.Tags.GetValueOrDefault("mlflow.parentRunId") == parent.Id));
        Assert.Contains(Server.StoredArtifacts, a => a.Key.EndsWith("/git.diff", StringComparison.Ordinal)
            && System.Text.Encoding.UTF8.GetString(a.Value).Contains("+v2, not committed", StringComparison.Ordinal));
    }
}

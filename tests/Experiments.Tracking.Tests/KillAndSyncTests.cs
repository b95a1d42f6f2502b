using System.Diagnostics;
using Experiments.Tracking.Tests.Support;

namespace Experiments.Tracking.Tests;

/// <summary>
/// The real `exp` process, killed while it delivers to MLflow (one batch applied by the server but
/// never acknowledged), then `exp mlflow sync`: every run, param, metric point and artifact
/// arrives exactly once.
/// </summary>
public sealed class KillAndSyncTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private MlflowStandIn _server = null!;

    public async Task InitializeAsync() => _server = await MlflowStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>
    /// The CLI's own build output: this test project carries ASP.NET Core (the stand-in), so its
    /// folder lacks libraries exp takes from NuGet that ASP.NET Core's framework would provide.
    /// </summary>
    private static string ExpDll
    {
        get
        {
            string targetFolder = Path.GetFileName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
            string configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
            return Path.Combine(Experiments.Tests.Shared.RepositoryPaths.Root, "engine", "Experiments.Cli", "bin", configuration, targetFolder, "exp.dll");
        }
    }

    private ProcessStartInfo Exp(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _folder.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ExpDll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("EXP_STORE");
        info.Environment["CI"] = "1";
        info.Environment["MLFLOW_TRACKING_URI"] = _server.Uri;
        info.Environment["EXP_MLFLOW_TIMEOUT_SECONDS"] = "30";
        info.Environment["EXP_MLFLOW_FLUSH_SECONDS"] = "60";
        info.Environment["EXP_MLFLOW_BACKOFF_MS"] = "20";
        return info;
    }

    [Fact]
    public async Task Killing_exp_mid_delivery_then_syncing_delivers_everything_exactly_once()
    {
        var repo = new GitRepo(_folder.Root);
        repo.Ignore(".exp/");
        string file = Path.Combine(_folder.Root, "killed.exp");
        repo.Commit("experiment", ("killed.exp", """
            experiment killed {
              seed 5
              data reviews = generate.sentiment(examples: sweep[200, 300, 400])
              data splits  = split(reviews, train: 0.8, val: 0.1, test: 0.1)
              gate reviews.rows >= 100
            }
            """), ("notes.txt", "v1\n"));
        File.WriteAllText(Path.Combine(_folder.Root, "notes.txt"), "v2, not committed\n");

        // The second log-batch is applied by the server, which then holds the answer back; the
        // process is killed while it waits, so the batch is in MLflow but not marked delivered.
        _server.ResponseDelay = TimeSpan.FromMilliseconds(50);
        _server.Inject(new Fault("runs/log-batch", FaultKind.Status, 503), new Fault("runs/log-batch", FaultKind.HangThenApply, Delay: TimeSpan.FromSeconds(5)));
        using var process = Process.Start(Exp("run", file, "--store", _folder.Store))!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        Task finished = await Task.WhenAny(_server.HangStarted.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(2)));
        // (No awaiting the output here: it ends only when the process does.)
        Assert.True(finished == _server.HangStarted.Task && !process.HasExited, "exp finished before it could be killed mid-delivery");
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        Assert.True(_server.Runs.Any(r => r.Tags.ContainsKey("exp.outbox.seq")), "the held-back batch should have been applied");
        Assert.True(LedgerTotals.Read(_folder.Store).Pending > 0, $"delivery should have been cut short: {LedgerTotals.Read(_folder.Store)}\n{string.Join("\n", _server.Log)}");

        (int exit, string syncOutput, string syncError) = await RunAsync(Exp("mlflow", "sync", "--store", _folder.Store));
        Assert.True(exit == 0, $"{syncOutput}\n{syncError}");
        LedgerTotals.AssertDelivered(_server, _folder.Store);
        // The batch the killed process never saw acknowledged was checked, not resent.
        Assert.Contains(_server.Log, l => l.Contains("runs/get @", StringComparison.Ordinal));
        MlflowStandIn.RunState parent = Assert.Single(_server.Runs, r => !r.Tags.ContainsKey("mlflow.parentRunId"));
        Assert.Equal("true", parent.Tags["exp.git.dirty"]);
        Assert.Equal(3, _server.Runs.Count(r => r.Tags.GetValueOrDefault("mlflow.parentRunId") == parent.Id));
        Assert.Contains(_server.StoredArtifacts, a => a.Key.EndsWith("/git.diff", StringComparison.Ordinal)
            && System.Text.Encoding.UTF8.GetString(a.Value).Contains("+v2, not committed", StringComparison.Ordinal));
    }

    private static async Task<(int, string, string)> RunAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}

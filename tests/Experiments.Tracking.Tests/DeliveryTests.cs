using System.Diagnostics;
using Experiments.Tracking.Tests.Support;

namespace Experiments.Tracking.Tests;

/// <summary>
/// The outbox against the MLflow stand-in: everything arrives exactly once (counted), through
/// injected 503/429/500, hangs, dropped connections and a server dying mid-batch; a server that is
/// down never fails a run; `exp mlflow sync` delivers what is left.
/// </summary>
public sealed class DeliveryTests : StandInTests
{
    private string Sweep() => Folder.Write("tracked.exp", """
        experiment tracked {
          seed 3
          param examples = 300
          param scale = sweep[1.0, 2.0]
          data reviews = generate.sentiment(examples: examples)
          data curve  = test.series(points: 40, scale: scale)
          eval scores = test.scores(n: 50)
          gate scores.accuracy >= 0.5
        }
        """);

    [Fact]
    public async Task Every_run_param_metric_point_and_artifact_arrives_exactly_once()
    {
        string file = Sweep();
        CliResult result = await new InProcessCli(MlflowEnvironment()).RunAsync("run", file, "--store", Folder.Store);
        Assert.True(result.ExitCode == 0, result.ToString());

        LedgerTotals.AssertDelivered(Server, Folder.Store);
        Assert.Equal(3, Server.RunsCreated);
        MlflowStandIn.RunState parent = Assert.Single(Server.Runs, r => !r.Tags.ContainsKey("mlflow.parentRunId"));
        Assert.All(Server.Runs.Where(r => r != parent), child => Assert.Equal(parent.Id, child.Tags["mlflow.parentRunId"]));
        Assert.Equal("300", parent.Params["examples"]);
        Assert.Contains(Server.Runs, r => r.Params.GetValueOrDefault("scale") == "2");
        Assert.Equal("LOCAL", parent.Tags["mlflow.source.type"]);
        Assert.Equal("passed", parent.Tags["exp.gates"]);
        Assert.StartsWith("exp.key.", parent.Tags.Keys.First(k => k.StartsWith("exp.key.", StringComparison.Ordinal)));
        // The loss curve of each variant, NaN point included, lands on that variant's run.
        MlflowStandIn.RunState child = Server.Runs.First(r => r.Params.GetValueOrDefault("scale") == "2");
        Assert.Equal(40, child.Metrics.Count(m => m.Key == "curve.loss"));
        Assert.True(double.IsNaN(child.Metrics.Single(m => m.Key == "curve.loss" && m.Step == 3).Value));
        Assert.Equal(0.8, parent.Metrics.Single(m => m.Key == "scores.accuracy").Value);
        Assert.Contains(Server.StoredArtifacts.Keys, k => k.EndsWith($"{parent.Id}/artifacts/gates.md", StringComparison.Ordinal));

        // A second, all-cached run is a new MLflow run with the same results; nothing is resent.
        CliResult again = await new InProcessCli(MlflowEnvironment()).RunAsync("run", file, "--store", Folder.Store);
        Assert.True(again.ExitCode == 0, again.ToString());
        LedgerTotals.AssertDelivered(Server, Folder.Store);
        Assert.Equal(6, Server.RunsCreated);
    }

    [Fact]
    public async Task Injected_faults_are_retried_and_nothing_arrives_twice()
    {
        Server.Inject(
            new Fault("experiments/get-by-name", FaultKind.Status, 503, RetryAfterSeconds: 1),
            new Fault("runs/create", FaultKind.DropAfterApply),
            new Fault("runs/log-batch", FaultKind.Status, 429),
            new Fault("runs/log-batch", FaultKind.Status, 500, "INTERNAL_ERROR"),
            new Fault("runs/log-batch", FaultKind.DropAfterApply),
            new Fault("runs/log-batch", FaultKind.DropBeforeApply),
            new Fault("runs/log-batch", FaultKind.HangThenApply, Delay: TimeSpan.FromSeconds(2)),
            new Fault("runs/log-batch", FaultKind.TextStatus, 502),
            new Fault("runs/log-batch", FaultKind.DieMidBatch, Delay: TimeSpan.FromSeconds(1)),
            new Fault("mlflow-artifacts/artifacts/", FaultKind.DropAfterApply),
            new Fault("runs/update", FaultKind.Status, 503));
        var clock = Stopwatch.StartNew();
        CliResult result = await new InProcessCli(MlflowEnvironment()).RunAsync("run", Sweep(), "--store", Folder.Store);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(0, Server.PendingFaults);
        LedgerTotals.AssertDelivered(Server, Folder.Store);
        // Retry-After: 1 was honoured.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task AServer_that_is_down_never_fails_or_holds_up_a_run_and_sync_delivers_later()
    {
        string file = Sweep();
        Dictionary<string, string> down = MlflowEnvironment("http://127.0.0.1:9/mlflow");
        down["EXP_MLFLOW_FLUSH_SECONDS"] = "2";
        var clock = Stopwatch.StartNew();
        CliResult result = await new InProcessCli(down).RunAsync("run", file, "--store", Folder.Store);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), clock.Elapsed.ToString());
        Assert.Contains("warning EXP3101:", result.Error);
        Assert.Contains("wait in the outbox", result.Error);
        Assert.True(LedgerTotals.Read(Folder.Store).Pending > 0);

        CliResult status = await new InProcessCli(down).RunAsync("mlflow", "status", "--store", Folder.Store);
        Assert.Contains("create_run", status.Output);

        CliResult sync = await new InProcessCli(MlflowEnvironment()).RunAsync("mlflow", "sync", "--store", Folder.Store);
        Assert.True(sync.ExitCode == 0, sync.ToString());
        LedgerTotals.AssertDelivered(Server, Folder.Store);
    }

    [Fact]
    public async Task Runs_recorded_without_mlflow_are_sent_by_sync()
    {
        string file = Sweep();
        CliResult local = await new InProcessCli().RunAsync("run", file, "--store", Folder.Store);
        Assert.True(local.ExitCode == 0, local.ToString());
        Assert.Equal(0, Server.Requests);

        CliResult sync = await new InProcessCli(MlflowEnvironment()).RunAsync("mlflow", "sync", "--store", Folder.Store);
        Assert.True(sync.ExitCode == 0, sync.ToString());
        Assert.Contains("3 run(s) queued now", sync.Output);
        LedgerTotals.AssertDelivered(Server, Folder.Store);
    }

    [Fact]
    public async Task A_refused_request_is_set_aside_without_retrying_and_the_rest_arrives()
    {
        Server.Inject(new Fault("runs/update", FaultKind.Status, 500, "INVALID_STATE"));
        CliResult result = await new InProcessCli(MlflowEnvironment()).RunAsync("run", Sweep(), "--store", Folder.Store);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("warning EXP3103: runs/update: MLflow answered 500 INVALID_STATE", result.Error);
        Assert.Equal(3, Server.Log.Count(l => l.Contains("runs/update @", StringComparison.Ordinal)));
        Assert.Equal(2, Server.Runs.Count(r => r.Status == "FINISHED"));
        CliResult status = await new InProcessCli(MlflowEnvironment()).RunAsync("mlflow", "status", "--store", Folder.Store);
        Assert.Contains("refused: run", status.Output);
    }

    [Fact]
    public async Task Experiment_creation_is_race_safe()
    {
        // Another client creates the experiment between our lookup (404) and our create.
        Server.AddExperiment("tracked");
        Server.Inject(new Fault("experiments/get-by-name", FaultKind.Status, 404, "RESOURCE_DOES_NOT_EXIST"));
        CliResult result = await new InProcessCli(MlflowEnvironment()).RunAsync("run", Sweep(), "--store", Folder.Store);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(Server.Log, l => l.Contains("experiments/create @", StringComparison.Ordinal));
        Assert.All(Server.Runs, r => Assert.Equal("1", r.ExperimentId));
        LedgerTotals.AssertDelivered(Server, Folder.Store);
    }

    [Fact]
    public async Task Batches_respect_every_log_batch_limit()
    {
        string manyParams = string.Join("\n", Enumerable.Range(0, 150).Select(i => $"  param p{i} = {i}"));
        string file = Folder.Write("big.exp", $$"""
            experiment big {
            {{manyParams}}
              param note = "{{new string('n', 7000)}}"
              data curve = test.series(points: 2600)
            }
            """);
        CliResult result = await new InProcessCli(MlflowEnvironment()).RunAsync("run", file, "--store", Folder.Store);
        Assert.True(result.ExitCode == 0, result.ToString());
        LedgerTotals.AssertDelivered(Server, Folder.Store);
        MlflowStandIn.RunState run = Assert.Single(Server.Runs);
        Assert.Equal(151, run.Params.Count);
        Assert.Equal(6000, run.Params["note"].Length);
        Assert.Contains("exp.truncated.note", run.Tags.Keys);
        Assert.True(2600 == run.Metrics.Count(m => m.Key == "curve.loss"), string.Join("\n", run.Metrics.Where(m => m.Key == "curve.loss" && m.Step < 3)));
    }
}

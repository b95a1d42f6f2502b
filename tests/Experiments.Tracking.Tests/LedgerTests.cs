using Experiments.Tracking.Ledger;
using Experiments.Tracking.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Experiments.Tracking.Tests;

/// <summary>The ledger: versioned migrations, runs and children, live series, cache hits linked to the run that computed them.</summary>
public sealed class LedgerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static NewRun Run(string experiment) => new(experiment, null, "r", "x.exp", [], ["lr=0.1"],
        new Dictionary<string, string> { ["lr"] = "0.1" }, new Dictionary<string, string> { ["t"] = "v" });

    [Fact]
    public void An_older_ledger_is_migrated_in_place_and_keeps_its_runs()
    {
        string path = Path.Combine(_folder.Root, "ledger.db");
        const string id = "0123456789abcdef0123456789abcdef";
        using (RunLedger old = RunLedger.Open(path, schemaVersion: 1))
        {
            Assert.Equal(1, old.SchemaVersion);
        }
        // Rows as exp wrote them at schema 1 (no owner process): one finished, one left RUNNING.
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = $"""
                INSERT INTO experiments(id, name, created) VALUES (1, 'old', 0);
                INSERT INTO runs(id, experiment_id, name, status, start_time, end_time, file, variant, arguments)
                VALUES ('{id}', 1, 'r', 'FINISHED', 1, 2, 'x.exp', '[]', '["lr=0.1"]'),
                       ('fedcba9876543210fedcba9876543210', 1, 'r', 'RUNNING', 3, NULL, 'x.exp', '[]', '[]');
                INSERT INTO params(run_id, key, value) VALUES ('{id}', 'lr', '0.1');
                """;
            command.ExecuteNonQuery();
        }
        using RunLedger ledger = RunLedger.Open(path);
        Assert.Equal(3, ledger.SchemaVersion);
        Assert.Equal("0.1", ledger.Params(id)["lr"]);
        ledger.Write(w => w.Enqueue(id, "update_run", "{}"));
        Assert.Equal(1, ledger.PendingCount());
        // A run recorded without its process cannot be told dead from alive: it is left alone.
        Assert.Empty(Experiments.Tracking.Tracking.DeadRuns.Close(ledger, queueForMlflow: true));
        Assert.Equal(RunStatus.Running, ledger.TryGetRun("fedcba9876543210fedcba9876543210")!.Status);
    }

    [Fact]
    public void A_ledger_from_a_newer_exp_is_refused()
    {
        string path = Path.Combine(_folder.Root, "ledger.db");
        using (RunLedger.Open(path))
        {
        }
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }
        LedgerException error = Assert.Throws<LedgerException>(() => RunLedger.Open(path));
        Assert.Contains("schema version 99, newer than this exp understands (3)", error.Message);
    }

    [Fact]
    public void Metric_points_keep_non_finite_values_and_their_order()
    {
        using RunLedger ledger = RunLedger.Open(Path.Combine(_folder.Root, "ledger.db"));
        string id = ledger.Write(w => w.StartRun(Run("m")));
        ledger.Write(w => w.LogMetrics(id, [new MetricRow("loss", 0, 1, 2.5), new MetricRow("loss", 1, 2, double.NaN), new MetricRow("loss", 2, 3, double.NegativeInfinity)]));
        IReadOnlyList<MetricRow> history = ledger.MetricHistory(id);
        Assert.Equal([2.5, double.NaN, double.NegativeInfinity], history.Select(h => h.Value));
        Assert.Equal(double.NegativeInfinity, ledger.LatestMetrics(id)["loss"]);
    }

    [Fact]
    public async Task A_step_s_result_is_its_value_in_the_run_that_computed_it_and_in_one_that_found_it_cached()
    {
        // The step reports a `loss` series (last point 0.5 / 40) and a `loss` result (0.5), as
        // training does with learning_rate: the result is the summary either way.
        string file = _folder.Write("summary.exp", """
            experiment summary {
              data curve = test.series(points: 40, scale: 0.5, summary_named_loss: true)
            }
            """);
        var cli = new InProcessCli();
        Assert.Equal(0, (await cli.RunAsync("run", file, "--store", _folder.Store)).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("run", file, "--store", _folder.Store)).ExitCode);

        using RunLedger ledger = RunLedger.OpenStore(_folder.Store);
        (LedgerRun cached, LedgerRun computed) = (ledger.ListRuns()[0], ledger.ListRuns()[1]);
        Assert.Equal(40, ledger.MetricHistory(computed.Id).Count(m => m.Key == "curve.loss"));
        Assert.Equal(0.5, ledger.LatestMetrics(computed.Id)["curve.loss"]);
        Assert.Equal(0.5, ledger.LatestMetrics(cached.Id)["curve.loss"]);
        // MLflow shows the point with the highest step, then the newest: the result, too.
        MetricRow shown = ledger.DeliverableMetrics(computed.Id).Where(m => m.Key == "curve.loss")
            .OrderBy(m => m.Step).ThenBy(m => m.Timestamp).Last();
        Assert.Equal(0.5, shown.Value);
    }

    [Fact]
    public async Task A_cached_step_links_to_the_run_that_computed_it_and_its_work_is_recorded_once()
    {
        string file = _folder.Write("cache.exp", """
            experiment cache {
              data curve = test.series(points: 40, scale: sweep[1.0, 2.0])
              eval scores = test.scores(n: 30)
            }
            """);
        var cli = new InProcessCli();
        Assert.Equal(0, (await cli.RunAsync("run", file, "--store", _folder.Store)).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("run", file, "--store", _folder.Store)).ExitCode);

        using RunLedger ledger = RunLedger.OpenStore(_folder.Store);
        IReadOnlyList<LedgerRun> runs = ledger.ListRuns();
        (LedgerRun second, LedgerRun first) = (runs[0], runs[1]);
        Assert.Equal(2, ledger.Children(first.Id).Count);

        // The invocation lists every node; a variant's run the nodes of its variant.
        Assert.Equal(3, ledger.Steps(second.Id).Count);
        RunStepRow scores = Assert.Single(ledger.Steps(second.Id), s => s.Node == "scores");
        Assert.Equal("cached", scores.Status);
        Assert.Equal(first.Id, scores.OriginRunId);
        Assert.Equal(1, ledger.WorkRecords(scores.Key!));

        // Each variant's curve was computed by the first invocation's child for that variant.
        LedgerRun secondChild = ledger.Children(second.Id).Single(c => c.Name == "curve.scale=2");
        LedgerRun firstChild = ledger.Children(first.Id).Single(c => c.Name == "curve.scale=2");
        Assert.Equal(["curve[curve.scale=2]", "scores"], ledger.Steps(secondChild.Id).Select(s => s.Node).Order(StringComparer.Ordinal));
        RunStepRow curve = Assert.Single(ledger.Steps(secondChild.Id), s => s.Node.StartsWith("curve", StringComparison.Ordinal));
        Assert.Equal(firstChild.Id, curve.OriginRunId);

        // The live series went to the variant's run as it ran: 40 points, NaN included.
        IReadOnlyList<MetricRow> loss = ledger.MetricHistory(firstChild.Id).Where(m => m.Key == "curve.loss").ToList();
        Assert.Equal(40, loss.Count);
        Assert.True(double.IsNaN(loss.Single(p => p.Step == 3).Value));
        Assert.Equal(2.0 / 40, ledger.LatestMetrics(secondChild.Id)["curve.final_loss"]);
        Assert.Equal("2", ledger.Params(secondChild.Id)["curve.scale"]);
    }

    [Fact]
    public async Task A_sweep_above_the_child_limit_is_one_run_that_says_so()
    {
        string file = _folder.Write("wide.exp", """
            experiment wide {
              eval scores = test.scores(n: sweep[10, 20, 30])
            }
            """);
        var cli = new InProcessCli(new Dictionary<string, string> { ["EXP_MAX_CHILD_RUNS"] = "2" });
        Assert.Equal(0, (await cli.RunAsync("run", file, "--store", _folder.Store)).ExitCode);
        using RunLedger ledger = RunLedger.OpenStore(_folder.Store);
        LedgerRun run = Assert.Single(ledger.ListRuns(includeChildren: true));
        Assert.Empty(ledger.Children(run.Id));
        Assert.StartsWith("3 (more than 2:", ledger.Tags(run.Id)["exp.variants"]);
        Assert.Equal(3, ledger.Steps(run.Id).Count);
    }

    public void Dispose() => _folder.Dispose();
}

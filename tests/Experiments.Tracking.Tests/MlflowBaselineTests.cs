using Experiments.Tracking.Tests.Support;

namespace Experiments.Tracking.Tests;

/// <summary>
/// `no_regression(baseline: mlflow(tag: ...))`: the baseline is the newest finished invocation on
/// the MLflow stand-in that carries the tag (set there, as a user marks a run in MLflow's UI); a
/// swept step is compared with the child run of the same variant.
/// </summary>
public sealed class MlflowBaselineTests : StandInTests
{
    private InProcessCli Cli() => new(MlflowEnvironment());

    private string Experiment() => Folder.Write("gated.exp", """
        experiment gated {
          seed 1
          param n = 200
          param flip = sweep[0, 4]
          eval scores = test.scores(n: n, flip: flip)
          gate scores.accuracy no_regression(baseline: mlflow(tag: "ci.baseline=true"), tolerance: 0.01)
        }
        """);

    [Fact]
    public async Task A_tagged_mlflow_run_is_the_baseline_variant_by_variant()
    {
        string file = Experiment();

        // Nothing is tagged yet: the gate cannot find a baseline (the run is still recorded and delivered).
        CliResult first = await Cli().RunAsync("run", file, "--store", Folder.Store);
        Assert.True(first.ExitCode == 3, first.ToString());
        Assert.True(first.Error.Contains("error EXP4003: gate `scores.accuracy`: no finished MLflow run matches the baseline query.", StringComparison.Ordinal), first.ToString());
        MlflowStandIn.RunState baseline = Assert.Single(Server.Runs, r => !r.Tags.ContainsKey("mlflow.parentRunId"));
        Assert.Equal(2, Server.Runs.Count(r => r.Tags.GetValueOrDefault("mlflow.parentRunId") == baseline.Id));
        baseline.Tags["ci.baseline"] = "true";

        // The same results: both variants equal their child run in the baseline (0.8 and 0.78).
        string summary = Path.Combine(Folder.Root, "gates.md");
        CliResult same = await Cli().RunAsync("run", file, "--store", Folder.Store, "--gate-summary", summary);
        Assert.True(same.ExitCode == 0, same + "\n--- MLflow\n" + Describe(Server.Runs));
        string table = File.ReadAllText(summary);
        Assert.Contains("| scores[flip=0] | accuracy | 0.8 | 0.8 | +0 |", table);
        Assert.Contains("| scores[flip=4] | accuracy | 0.78 | 0.78 | +0 |", table);

        // 100 examples: flip=0 stays at 0.8, flip=4 drops to 0.76 against its variant's 0.78.
        CliResult smaller = await Cli().RunAsync("run", file, "--store", Folder.Store, "-p", "n=100");
        Assert.True(smaller.ExitCode == 3, smaller.ToString());
        Assert.Contains("`scores[flip=4]` accuracy 0.76 vs baseline 0.78 (Δ -0.02; no per-example scores on both sides, so no significance test): a drop beyond the tolerance 0.01.", smaller.Error);
        Assert.DoesNotContain("`scores[flip=0]` accuracy", smaller.Error);
        Assert.Contains("gates: 1 passed, 1 failed", smaller.Output);
    }

    private static string Describe(IEnumerable<MlflowStandIn.RunState> runs) => string.Join("\n", runs.Select(r =>
        $"{r.Id} {r.Status} params[{string.Join(", ", r.Params.Select(p => $"{p.Key}={p.Value}"))}] "
        + $"metrics[{string.Join(", ", r.Metrics.Select(m => $"{m.Key}={m.Value}"))}] parent={r.Tags.GetValueOrDefault("mlflow.parentRunId")}"));

    [Fact]
    public async Task Without_mlflow_configured_an_mlflow_baseline_is_unavailable()
    {
        CliResult result = await new InProcessCli().RunAsync("run", Experiment(), "--store", Folder.Store);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("error EXP4005: gate `scores.accuracy`: the baseline is an MLflow run, but MLFLOW_TRACKING_URI is not set.", result.Error);
    }
}

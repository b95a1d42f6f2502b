using System.Text.Json;
using Experiments.Tracking.Tests.Support;

namespace Experiments.Tracking.Tests;

/// <summary>Gates after a run and with `exp gate`: thresholds, baselines, significance, exit codes, the summary.</summary>
public sealed class GateTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly InProcessCli _cli = new();

    private string Experiment(string gates, int n = 200) => _folder.Write("gated.exp", $$"""
        experiment gated {
          seed 1
          param flip = 0
          param gain = 0
          eval scores = test.scores(n: {{n}}, flip: flip, gain: gain)
        {{gates}}
        }
        """);

    private Task<CliResult> Run(string file, params string[] args) => _cli.RunAsync(["run", file, "--store", _folder.Store, .. args]);

    [Fact]
    public async Task A_threshold_gate_passes_with_exit_0_and_fails_with_exit_3_at_the_gate_line()
    {
        string file = Experiment("  gate scores.accuracy >= 0.75");
        CliResult passed = await Run(file);
        Assert.True(passed.ExitCode == 0, passed.ToString());
        Assert.Contains("gates: 1 passed, 0 failed", passed.Output);

        CliResult failed = await Run(file, "-p", "flip=20");
        Assert.True(failed.ExitCode == 3, failed.ToString());
        Assert.Contains($"{file}(6,3): error EXP4001: gate `scores.accuracy >= 0.75`: `scores` has accuracy = 0.7", failed.Error);
    }

    [Fact]
    public async Task A_missing_metric_fails_the_gate_and_names_the_metrics_there_are()
    {
        string file = Experiment("  gate scores.acuracy >= 0.5");
        CliResult result = await Run(file);
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("error EXP4002", result.Error);
        Assert.Contains("Did you mean `accuracy`?", result.Error);
    }

    [Fact]
    public async Task A_metric_only_in_the_metrics_document_is_read_from_it()
    {
        string file = _folder.Write("doc.exp", """
            experiment doc {
              eval scores = test.scores(n: 100, document_only: true)
              gate scores.accuracy >= 0.8
              gate scores.accuracy < 0.8
            }
            """);
        CliResult result = await Run(file);
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("doc.exp(4,3): error EXP4001: gate `scores.accuracy < 0.8`: `scores` has accuracy = 0.8", result.Error);
        Assert.DoesNotContain("(3,3)", result.Error);
    }

    [Fact]
    public async Task Bad_no_regression_arguments_are_spec_errors_with_positions()
    {
        string file = Experiment("""  gate scores.accuracy no_regression(tolerance: -1, alpah: 0.1)""");
        CliResult result = await Run(file);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error EXP2017: `tolerance` is the accepted drop", result.Error);
        Assert.Contains("`no_regression` has no argument `alpah`. Did you mean `alpha`?", result.Error);
        Assert.Contains("`no_regression` needs a `baseline:`", result.Error);
    }

    [Fact]
    public async Task With_per_example_scores_a_noisy_drop_passes_and_a_significant_drop_fails()
    {
        string file = Experiment("""  gate scores.accuracy no_regression(baseline: "baselines/gated.json", alpha: 0.05)""");
        CliResult missing = await Run(file);
        Assert.True(missing.ExitCode == 3, missing.ToString());
        Assert.Contains("error EXP4003: gate `scores.accuracy`: no baseline file `baselines/gated.json`; create it", missing.Error);

        CliResult update = await _cli.RunAsync("baseline", "update", file, "--store", _folder.Store);
        Assert.True(update.ExitCode == 0, update.ToString());
        using (JsonDocument baseline = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder.Root, "baselines", "gated.json"))))
        {
            JsonElement metric = baseline.RootElement.GetProperty("metrics").GetProperty("scores.accuracy");
            Assert.Equal(0.8, metric.GetProperty("value").GetDouble());
            Assert.Equal(200, metric.GetProperty("scores").EnumerateObject().Count());
        }

        // 4 right answers lost, 2 gained: 1 point lower, well within noise on 200 examples.
        CliResult noisy = await Run(file, "-p", "flip=4", "-p", "gain=2");
        Assert.True(noisy.ExitCode == 0, noisy.ToString());

        // 30 right answers lost: 15 points lower, far beyond noise.
        CliResult regressed = await Run(file, "-p", "flip=30", "--gate-summary", Path.Combine(_folder.Root, "gates.md"));
        Assert.True(regressed.ExitCode == 3, regressed.ToString());
        Assert.Contains("error EXP4001: gate `scores.accuracy` no_regression: `scores` accuracy 0.65 vs baseline 0.8 (Δ -0.15", regressed.Error);
        Assert.Contains("a significant drop", regressed.Error);
        string summary = File.ReadAllText(Path.Combine(_folder.Root, "gates.md"));
        Assert.Contains("| `scores.accuracy no_regression` (line 6) | scores | accuracy | 0.8 | 0.65 | -0.15 | [", summary);
        Assert.Contains("❌ fail", summary);

        // `exp gate` judges the latest recorded run without running anything, and an older one on request.
        CliResult gate = await _cli.RunAsync("gate", file, "--store", _folder.Store, "--md");
        Assert.True(gate.ExitCode == 3, gate.ToString());
        Assert.Contains("### Gates: gated — 1 of 1 failed", gate.Output);
        CliResult runs = await _cli.RunAsync("runs", "--store", _folder.Store, "--json");
        string noisyRun = JsonDocument.Parse(runs.Output).RootElement.GetProperty("runs")[1].GetProperty("id").GetString()!;
        CliResult older = await _cli.RunAsync("gate", file, "--store", _folder.Store, "--run", noisyRun[..10]);
        Assert.True(older.ExitCode == 0, older.ToString());
        Assert.Contains("no significant drop", older.Output);
    }

    [Fact]
    public async Task Without_per_example_scores_any_drop_beyond_the_tolerance_fails()
    {
        _folder.Write("baselines/plain.json", """{"metrics": {"scores.accuracy": 0.8}}""");
        string file = Experiment("""  gate scores.accuracy no_regression(baseline: "baselines/plain.json", tolerance: 0.02)""");
        CliResult within = await Run(file, "-p", "flip=2");
        Assert.True(within.ExitCode == 0, within.ToString());
        CliResult beyond = await Run(file, "-p", "flip=10");
        Assert.True(beyond.ExitCode == 3, beyond.ToString());
        Assert.Contains("no per-example scores on both sides, so no significance test): a drop beyond the tolerance 0.02.", beyond.Error);
    }

    [Fact]
    public async Task A_gate_on_a_swept_step_is_checked_on_every_variant()
    {
        string file = Experiment("  gate scores.accuracy >= 0.7");
        CliResult result = await Run(file, "-p", "flip=0,25");
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("`scores[flip=25]` has accuracy = 0.675", result.Error);
        Assert.DoesNotContain("`scores[flip=0]` has", result.Error);
        Assert.Contains("gates: 1 passed, 1 failed", result.Output);
    }

    [Fact]
    public async Task No_gates_skips_evaluation()
    {
        string file = Experiment("  gate scores.accuracy >= 0.99");
        CliResult result = await Run(file, "--no-gates");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task On_a_different_evaluation_set_the_baseline_is_compared_by_value_without_pairing()
    {
        string gates = """  gate scores.accuracy no_regression(baseline: "baselines/gated.json", tolerance: 0.01)""";
        string file = Experiment(gates);
        CliResult first = await Run(file);
        Assert.True(first.ExitCode == 3, first.ToString()); // no baseline yet
        CliResult update = await _cli.RunAsync("baseline", "update", file, "--store", _folder.Store);
        Assert.True(update.ExitCode == 0, update.ToString());

        // 100 examples, all of them among the baseline's 200 ids: pairing them with a different
        // set would compare the baseline's easier half. 10 of 100 flipped: 0.7 vs 0.8.
        CliResult smaller = await Run(Experiment(gates, n: 100), "-p", "flip=10");

        Assert.True(smaller.ExitCode == 3, smaller.ToString());
        Assert.Contains("accuracy 0.7 vs baseline 0.8 (Δ -0.1; the evaluation sets differ (100 of 100 examples are in the baseline's 200), so no paired test): a drop beyond the tolerance 0.01.", smaller.Error);
    }

    public void Dispose() => _folder.Dispose();
}

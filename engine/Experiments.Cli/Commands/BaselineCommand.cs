using System.CommandLine;
using Experiments.Cli.Frontend;
using Experiments.Cli.Rendering;
using Experiments.Cli.Tracking;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Spec;
using Experiments.Engine.Store;
using Experiments.Tracking.Gates;
using Experiments.Tracking.Ledger;

namespace Experiments.Cli.Commands;

/// <summary>
/// `exp baseline update FILE`: writes the baseline file of every <c>no_regression</c> gate from a
/// recorded run (default: the latest): each gated metric's value and, where the step wrote them,
/// its per-example scores, so later runs are compared example by example.
/// </summary>
internal static class BaselineCommand
{
    public static Command Create(CliServices services)
    {
        Argument<string> file = CommonOptions.File();
        Option<string[]> parameters = CommonOptions.Params();
        Option<string?> store = CommonOptions.Store();
        var run = new Option<string>("--run") { Description = "The run to take values from (id, prefix or `latest`).", DefaultValueFactory = _ => "latest" };
        var update = new Command("update", "Write the baseline files of the experiment's no_regression gates from a recorded run.")
        {
            file, parameters, run, store,
        };
        update.SetAction(result => Execute(services, result.GetValue(file)!, result.GetValue(parameters) ?? [], result.GetValue(run)!, result.GetValue(store)));
        return new Command("baseline", "Manage the committed baselines of no_regression gates.") { update };
    }

    private static int Execute(CliServices services, string file, string[] parameters, string runId, string? storeOption)
    {
        var renderer = new DiagnosticRenderer(services.Error, services.Interactive);
        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = new ExperimentLoader(services.Registry).Load(file, parameters);
        renderer.Write(diagnostics);
        if (graph is null)
        {
            return ExitCodes.SpecError;
        }
        using RunLedger? ledger = LedgerAccess.Open(services, storeOption, file);
        if (ledger is null || LedgerAccess.Find(services, ledger, runId, graph.ExperimentName) is not { } run)
        {
            return ExitCodes.SpecError;
        }
        var store = new ContentStore(StoreLocation.Resolve(storeOption, file));
        IReadOnlyList<GateInput> inputs = GateRunner.FromLedger(ledger, store, run);
        var files = new Dictionary<string, Dictionary<string, BaselineMetric>>(StringComparer.Ordinal);
        int exit = ExitCodes.Ok;
        foreach (GateStatement gate in graph.Gates)
        {
            if (gate.Condition is not NoRegressionCondition condition
                || NoRegressionArguments.Parse(condition, new DiagnosticBag()) is not { Baseline: BaselineFile baseline })
            {
                continue;
            }
            string path = Path.GetFullPath(Path.Combine(graph.Spec.BaseDirectory, baseline.Path));
            Dictionary<string, BaselineMetric> metrics = files.TryGetValue(path, out var known) ? known : files[path] = new(StringComparer.Ordinal);
            string metric = gate.Target.Member ?? string.Empty;
            foreach (GateInput input in inputs.Where(i => i.StepName == gate.Target.Name))
            {
                if (input.Entry is null || ExampleScores.Value(store, input.Entry, metric) is not { } value)
                {
                    renderer.Write(Diagnostic.Error(DiagnosticCodes.GateMetricMissing, gate.Span,
                        $"run {run.ShortId} has no `{metric}` for `{input.NodeId}`; the baseline keeps its old value."));
                    exit = ExitCodes.StepFailed;
                    continue;
                }
                metrics[$"{input.NodeId}.{metric}"] = new BaselineMetric(value, ExampleScores.Scores(store, input.Entry, metric));
            }
        }
        if (files.Count == 0)
        {
            services.Error.WriteLine($"exp: {graph.ExperimentName} has no no_regression gate with a baseline file.");
            return ExitCodes.Ok;
        }
        string? commit = ledger.Tags(run.Id).GetValueOrDefault("mlflow.source.git.commit");
        foreach ((string path, Dictionary<string, BaselineMetric> metrics) in files)
        {
            BaselineDocument.Write(path, graph.ExperimentName, run.Id, commit, ledger.Clock.GetUtcNow(), metrics);
            services.Output.WriteLine($"wrote {Path.GetRelativePath(Directory.GetCurrentDirectory(), path)}: {string.Join(", ", metrics.Select(m => $"{m.Key} = {GateEvaluator.Format(m.Value.Value)}{(m.Value.Scores is { } s ? $" ({s.Count} examples)" : "")}"))} from run {run.ShortId}");
        }
        return exit;
    }
}

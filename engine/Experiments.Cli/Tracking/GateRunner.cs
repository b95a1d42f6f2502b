using Experiments.Engine.Compile;
using Experiments.Engine.Store;
using Experiments.Tracking.Gates;
using Experiments.Tracking.Ledger;
using Experiments.Tracking.Mlflow;

namespace Experiments.Cli.Tracking;

/// <summary>What `exp run`, `exp gate` and `exp baseline update` share: gate inputs, evaluation, the summary file.</summary>
internal static class GateRunner
{
    public static Task<IReadOnlyList<GateResult>> EvaluateAsync(
        ContentStore store, StepGraph graph, IReadOnlyList<GateInput> inputs, MlflowSettings? mlflow, CancellationToken cancellationToken)
    {
        IBaselineRuns? baselines = mlflow is null ? null : new MlflowBaselineRuns(MlflowHttp.CreateApi(mlflow), mlflow);
        var evaluator = new GateEvaluator(store, graph.ExperimentName, graph.Spec.BaseDirectory, baselines);
        return evaluator.EvaluateAsync(graph.Gates, inputs, cancellationToken);
    }

    /// <summary>The results a recorded invocation used: every node of it, with its cached entry.</summary>
    public static IReadOnlyList<GateInput> FromLedger(RunLedger ledger, ContentStore store, LedgerRun run) =>
        ledger.Steps(run.ParentId ?? run.Id)
            .Select(step => new GateInput(
                step.Node,
                step.Node.IndexOf('[', StringComparison.Ordinal) is int at and > 0 ? step.Node[..at] : step.Node,
                step.Key is null || step.Status is not ("ran" or "cached") ? null : store.TryGetAction(step.Key))
            {
                Variant = step.Variant,
            })
            .ToList();

    /// <summary>Writes the Markdown summary where asked, and appends it to a GitHub job summary when there is one.</summary>
    public static void WriteSummary(string markdown, string? path, TextWriter error)
    {
        try
        {
            if (!string.IsNullOrWhiteSpace(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                File.WriteAllText(path, markdown);
            }
            if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } jobSummary)
            {
                File.AppendAllText(jobSummary, markdown + "\n");
            }
        }
        catch (IOException exception)
        {
            error.WriteLine($"exp: warning: cannot write the gate summary: {exception.Message}");
        }
    }
}

using System.CommandLine;
using System.Globalization;
using Experiments.Cli.Frontend;
using Experiments.Cli.Rendering;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Store;

namespace Experiments.Cli.Commands;

/// <summary>`exp run FILE`: execute what changed, reuse the rest.</summary>
internal static class RunCommand
{
    public static Command Create(CliServices services)
    {
        Argument<string> file = CommonOptions.File();
        Option<string[]> parameters = CommonOptions.Params();
        Option<string?> store = CommonOptions.Store();
        Option<bool> json = CommonOptions.Json();
        var jobs = new Option<int>("--jobs", "-j")
        {
            Description = "How many steps may run at once (CPU slots).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        jobs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--jobs must be at least 1.");
            }
        });
        ExecutorOptions executor = ExecutorOptions.Create();
        var command = new Command("run", "Run an experiment: execute the steps whose inputs changed and reuse the rest from the store.")
        {
            file, parameters, jobs, store, json,
        };
        executor.AddTo(command);
        command.SetAction((result, cancellationToken) => ExecuteAsync(
            services,
            result.GetValue(file)!,
            result.GetValue(parameters) ?? [],
            result.GetValue(jobs),
            result.GetValue(store),
            result.GetValue(json),
            executor.Read(result),
            cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(
        CliServices services, string file, string[] parameters, int jobs, string? storeOption, bool json, ExecutorChoice requested, CancellationToken cancellationToken)
    {
        // Engine time: everything after process start-up (parse, compile, schedule, execute).
        var engineTime = System.Diagnostics.Stopwatch.StartNew();
        var renderer = new DiagnosticRenderer(services.Error, services.Interactive);
        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = new ExperimentLoader(services.Registry).Load(file, parameters);
        renderer.Write(diagnostics);
        if (graph is null)
        {
            if (json)
            {
                JsonReport.WriteDiagnosticsOnly(services.OpenStandardOutput(), diagnostics, ExitCodes.SpecError);
            }
            return ExitCodes.SpecError;
        }
        (ExecutorChoice? executor, string? executorError) = requested.Resolve(graph.Spec.Executor);
        if (executor is null || (executor.Slurm && !Engine.Slurm.SlurmClient.IsAvailable()))
        {
            services.Error.WriteLine("exp: error: " + (executorError
                ?? "the slurm executor needs the Slurm commands (sbatch, squeue, scancel) on PATH; `sbatch` was not found."));
            return ExitCodes.SpecError;
        }

        string storePath = StoreLocation.Resolve(storeOption, file);
        var store = new ContentStore(storePath);
        var options = new RunOptions { Jobs = jobs };
        var warnings = new List<Diagnostic>();
        RunSummary summary;
        if (services.Interactive && !json)
        {
            var console = services.CreateConsole();
            var live = new LiveRunObserver(console, graph.Nodes.Count);
            var observer = new CollectingObserver(live, warnings);
            summary = await live.RunAsync(() => new Scheduler(store, options, observer, executor.Create(store, graph, observer)).RunAsync(graph, cancellationToken)).ConfigureAwait(false);
        }
        else
        {
            // With --json, stdout carries only the document; progress goes to stderr.
            TextWriter progress = json ? services.Error : services.Output;
            var observer = new CollectingObserver(new PlainRunObserver(progress, services.Error), warnings);
            summary = await new Scheduler(store, options, observer, executor.Create(store, graph, observer)).RunAsync(graph, cancellationToken).ConfigureAwait(false);
        }

        if (json)
        {
            await using Stream stdout = services.OpenStandardOutput();
            JsonReport.WriteRun(stdout, summary with { EngineSeconds = engineTime.Elapsed.TotalSeconds }, storePath, warnings);
        }
        WriteSummary(json ? services.Error : services.Output, summary);
        return summary.ExitCode;
    }

    private static void WriteSummary(TextWriter output, RunSummary summary)
    {
        string seconds = summary.EngineSeconds.ToString("F2", CultureInfo.InvariantCulture);
        output.WriteLine(
            $"{summary.Graph.ExperimentName}: {summary.Outcomes.Count} steps, {summary.Graph.VariantCount} variant(s): "
            + $"{summary.Count(NodeStatus.Ran)} ran, {summary.Count(NodeStatus.Cached)} cached, "
            + $"{summary.Count(NodeStatus.Failed)} failed, {summary.Count(NodeStatus.Skipped)} skipped"
            + (summary.Cancelled ? $", {summary.Count(NodeStatus.Cancelled)} cancelled" : string.Empty)
            + $" in {seconds} s");
        foreach (NodeOutcome failed in summary.Outcomes.Where(o => o.Status == NodeStatus.Failed))
        {
            output.WriteLine($"  failed: {failed.Node.Id} ({failed.Node.Declaration.Span}): {failed.Message}");
            if (failed.LogPath is not null)
            {
                output.WriteLine($"          log: {failed.LogPath}");
            }
        }
        if (summary.Cancelled)
        {
            output.WriteLine("  cancelled: nothing half-written was kept; the next run resumes from the finished steps.");
        }
    }

    /// <summary>Forwards to another observer and keeps the warnings for the JSON document.</summary>
    private sealed class CollectingObserver(IRunObserver inner, List<Diagnostic> warnings) : IRunObserver
    {
        public void StepStarted(Engine.Compile.StepNode node, string reason) => inner.StepStarted(node, reason);

        public void StepProgress(Engine.Compile.StepNode node, Engine.Execution.StepProgress progress) => inner.StepProgress(node, progress);

        public void StepFinished(NodeOutcome outcome) => inner.StepFinished(outcome);

        public void StepWaiting(Engine.Compile.StepNode node) => inner.StepWaiting(node);

        public void StepSubmitted(Engine.Compile.StepNode node, string jobId, bool attached) => inner.StepSubmitted(node, jobId, attached);

        public void Warning(Diagnostic diagnostic)
        {
            lock (warnings)
            {
                warnings.Add(diagnostic);
            }
            inner.Warning(diagnostic);
        }
    }
}

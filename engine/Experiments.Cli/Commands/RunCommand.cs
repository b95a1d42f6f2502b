using System.CommandLine;
using System.Globalization;
using Experiments.Cli.Frontend;
using Experiments.Cli.Rendering;
using Experiments.Cli.Tracking;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Store;
using Experiments.Tracking.Gates;

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
        Option<bool> strict = TrackingOptions.Strict();
        Option<bool> noGates = TrackingOptions.NoGates();
        Option<string?> gateSummary = TrackingOptions.GateSummary();
        var command = new Command("run", "Run an experiment: execute the steps whose inputs changed and reuse the rest from the store.")
        {
            file, parameters, jobs, store, json, strict, noGates, gateSummary,
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
            new RunSettings(result.GetValue(strict), !result.GetValue(noGates), result.GetValue(gateSummary)),
            cancellationToken));
        return command;
    }

    /// <summary>The tracking switches of a run.</summary>
    internal sealed record RunSettings(bool Strict, bool Gates, string? GateSummaryPath);

    internal static async Task<int> ExecuteAsync(
        CliServices services, string file, string[] parameters, int jobs, string? storeOption, bool json, ExecutorChoice requested,
        RunSettings settings, CancellationToken cancellationToken)
    {
        // Engine time: everything after process start-up (parse, compile, schedule, execute).
        var engineTime = System.Diagnostics.Stopwatch.StartNew();
        var renderer = new DiagnosticRenderer(services.Error, services.Interactive);
        string storePath = StoreLocation.Resolve(storeOption, file);
        // The ledger opens (native SQLite, WAL) while the experiment is parsed and compiled.
        Task<RunTracking.LedgerOpening> ledger = RunTracking.OpenLedgerAsync(storePath);
        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = new ExperimentLoader(services.Registry).Load(file, parameters);
        renderer.Write(diagnostics);
        if (graph is null)
        {
            (await ledger.ConfigureAwait(false)).Ledger?.Dispose();
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

        var store = new ContentStore(storePath);
        await using RunTracking? tracking = await RunTracking.BeginAsync(services, renderer, store, graph, parameters, settings.Strict, ledger).ConfigureAwait(false);
        if (tracking is null)
        {
            return ExitCodes.SpecError;
        }
        var options = new RunOptions { Jobs = jobs, MetricSinks = tracking.Sinks };
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
        tracking.Complete(summary);

        int exitCode = summary.ExitCode;
        IReadOnlyList<GateResult> gates = [];
        if (exitCode == ExitCodes.Ok && settings.Gates && graph.Gates.Count > 0)
        {
            gates = await tracking.EvaluateGatesAsync(summary, settings.GateSummaryPath, cancellationToken).ConfigureAwait(false);
            if (gates.Any(g => !g.Passed))
            {
                exitCode = ExitCodes.GateFailed;
            }
        }
        await tracking.FinishAsync(cancellationToken).ConfigureAwait(false);

        if (json)
        {
            await using Stream stdout = services.OpenStandardOutput();
            JsonReport.WriteRun(stdout, summary with { EngineSeconds = engineTime.Elapsed.TotalSeconds }, storePath, warnings, exitCode, writer =>
            {
                writer.WriteString("run", tracking.RunId);
                GateJson.Write(writer, gates);
            });
        }
        WriteSummary(json ? services.Error : services.Output, summary);
        TextWriter output = json ? services.Error : services.Output;
        if (gates.Count > 0)
        {
            output.WriteLine($"  gates: {gates.Count(g => g.Passed)} passed, {gates.Count(g => !g.Passed)} failed");
        }
        if (tracking.RunId is { } runId)
        {
            // `exp show` without --store looks in $EXP_STORE or ./.exp: name the store when that is not this one.
            string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), storePath);
            string where = StoreLocation.Resolve(null, null) == storePath ? string.Empty
                : $" --store {(relative.StartsWith("..", StringComparison.Ordinal) ? storePath : relative)}";
            output.WriteLine($"  run {runId[..8]} recorded (exp show {runId[..8]}{where})");
        }
        return exitCode;
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

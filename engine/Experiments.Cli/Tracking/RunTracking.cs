using System.Text;
using Experiments.Cli.Rendering;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Execution;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Spec;
using Experiments.Engine.Store;
using Experiments.Tracking.Gates;
using Experiments.Tracking.Ledger;
using Experiments.Tracking.Mlflow;
using Experiments.Tracking.Provenance;
using Experiments.Tracking.Tracking;

namespace Experiments.Cli.Tracking;

/// <summary>
/// The tracking side of `exp run`: pins the run to git (refusing a dirty tree under
/// <c>--strict</c>), records it in the ledger, evaluates its gates, and hands what MLflow should
/// see to the outbox, delivering for at most the flush budget. Tracking problems are warnings:
/// a run never fails because MLflow is down.
/// </summary>
internal sealed class RunTracking : IAsyncDisposable
{
    private readonly CliServices _services;
    private readonly DiagnosticRenderer _renderer;
    private readonly ContentStore _store;
    private readonly StepGraph _graph;
    private readonly RunLedger? _ledger;
    private readonly RunTracker? _tracker;
    private readonly MlflowSettings? _mlflow;
    private readonly Task<DeliveryReport>? _leftovers;
    private readonly CancellationTokenSource _stopDelivery = new();

    private RunTracking(CliServices services, DiagnosticRenderer renderer, ContentStore store, StepGraph graph, RunLedger? ledger, RunTracker? tracker, MlflowSettings? mlflow)
    {
        _services = services;
        _renderer = renderer;
        _store = store;
        _graph = graph;
        _ledger = ledger;
        _tracker = tracker;
        _mlflow = mlflow;
        if (ledger is not null && mlflow is not null && ledger.PendingCount() > 0)
        {
            // Requests left by earlier invocations go out while this one runs.
            _leftovers = Task.Run(() => Deliverer(ledger, mlflow).DeliverAsync(mlflow.FlushTimeout, _stopDelivery.Token));
        }
    }

    public IStepMetricSinks? Sinks => _tracker;

    public string? RunId => _tracker?.ParentId;

    public GitState? Git { get; private init; }

    /// <summary>The store's ledger, or why it could not be opened.</summary>
    internal sealed record LedgerOpening(RunLedger? Ledger, Exception? Error);

    /// <summary>
    /// Opens the ledger in the background when the store exists (a store is never created for an
    /// experiment that turns out to have errors); otherwise <see cref="Begin"/> opens it.
    /// </summary>
    public static Task<LedgerOpening> OpenLedgerAsync(string storeRoot) =>
        Directory.Exists(storeRoot) ? Task.Run(() => Open(storeRoot)) : Task.FromResult(new LedgerOpening(null, null));

    private static LedgerOpening Open(string storeRoot)
    {
        try
        {
            return new LedgerOpening(RunLedger.OpenStore(storeRoot), null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Includes a SQLite native library that cannot load: the run goes on, untracked.
            return new LedgerOpening(null, exception is TypeInitializationException { InnerException: { } inner } ? inner.GetBaseException() : exception);
        }
    }

    /// <summary>Starts tracking; null when <c>--strict</c> refuses a dirty tree (the diagnostic is written).</summary>
    public static RunTracking? Begin(
        CliServices services, DiagnosticRenderer renderer, ContentStore store, StepGraph graph, IReadOnlyList<string> overrides, bool strict, LedgerOpening opening)
    {
        GitState? git = null;
        string? unpinned = null;
        try
        {
            git = GitReader.Read(graph.Spec.File);
        }
        catch (LibGit2Sharp.LibGit2SharpException exception)
        {
            services.Error.WriteLine($"exp: note: cannot read the git repository ({exception.Message}); this run is not pinned to a commit.");
        }
        if (git is null)
        {
            if (strict)
            {
                renderer.Write(Diagnostic.Error(DiagnosticCodes.GitNone, new SourceSpan(graph.Spec.File, 0, 0),
                    "--strict needs the experiment in a git repository with a commit, to pin the run to it."));
                opening.Ledger?.Dispose();
                return null;
            }
            // Said once results are made (an up-to-date build stays one line).
            unpinned = $"exp: note: {graph.Spec.File} is not in a git repository (or it has no commit); this run is not pinned to a commit.";
        }
        else if (git.Dirty && strict)
        {
            renderer.Write(Diagnostic.Error(DiagnosticCodes.GitDirty, new SourceSpan(graph.Spec.File, 0, 0),
                $"--strict refuses to run with modified tracked files: {string.Join(", ", git.ModifiedFiles.Take(10))}"
                + (git.ModifiedFiles.Count > 10 ? $" and {git.ModifiedFiles.Count - 10} more" : string.Empty) + ".",
                "Commit or stash them, or run without --strict (the diff is then kept with the run)."));
            opening.Ledger?.Dispose();
            return null;
        }

        MlflowSettings? mlflow = MlflowSettings.FromEnvironment(services.ReadEnvironment);
        RunLedger? ledger = opening.Ledger;
        RunTracker? tracker = null;
        try
        {
            if (ledger is null)
            {
                LedgerOpening opened = opening.Error is null ? Open(store.Root) : opening;
                ledger = opened.Ledger ?? throw opened.Error ?? new LedgerException("the ledger could not be opened.");
            }
            int maxChildren = int.TryParse(services.ReadEnvironment("EXP_MAX_CHILD_RUNS"), out int max) && max >= 0 ? max : 256;
            tracker = RunTracker.Start(ledger, store, graph,
                new TrackingContext(overrides, git, Environment.UserName, QueueForMlflow: mlflow is not null) { MaxChildRuns = maxChildren });
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            renderer.Write(Diagnostic.Warning(DiagnosticCodes.LedgerError, new SourceSpan(store.Root, 0, 0),
                $"this run is not recorded in the ledger: {exception.Message}"));
            ledger?.Dispose();
            ledger = null;
        }
        return new RunTracking(services, renderer, store, graph, ledger, tracker, mlflow) { Git = git, UnpinnedNote = unpinned };
    }

    private string? UnpinnedNote { get; init; }

    public void Complete(RunSummary summary)
    {
        if (UnpinnedNote is not null && summary.Count(NodeStatus.Ran) > 0)
        {
            _services.Error.WriteLine(UnpinnedNote);
        }
        _tracker?.Complete(summary);
    }

    /// <summary>Evaluates the gates on this run's results; failures are written as diagnostics at each gate.</summary>
    public async Task<IReadOnlyList<GateResult>> EvaluateGatesAsync(RunSummary summary, string? summaryPath, CancellationToken cancellationToken)
    {
        IReadOnlyList<GateInput> inputs = summary.Outcomes.Select(o => new GateInput(o.Node.Id, o.Node.Name, o.Entry)).ToArray();
        IReadOnlyList<GateResult> results = await GateRunner.EvaluateAsync(_store, _graph, inputs, _mlflow, cancellationToken).ConfigureAwait(false);
        _renderer.Write(GateEvaluator.Diagnostics(results));
        string markdown = GateSummary.Markdown(_graph.ExperimentName, RunId, results);
        GateRunner.WriteSummary(markdown, summaryPath, _services.Error);
        if (_tracker is not null)
        {
            _tracker.AddArtifact("gates.md", Encoding.UTF8.GetBytes(markdown));
            _tracker.SetTags(new Dictionary<string, string>(StringComparer.Ordinal) { ["exp.gates"] = results.All(r => r.Passed) ? "passed" : "failed" });
        }
        return results;
    }

    /// <summary>Queues this run for MLflow and delivers what the flush budget allows; the rest waits in the outbox.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_ledger is null || _tracker is null)
        {
            return;
        }
        _tracker.Dispose();
        if (_mlflow is null)
        {
            return;
        }
        _tracker.QueueForMlflow();
        var problems = new List<MlflowException>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (_leftovers is not null)
        {
            problems.AddRange((await _leftovers.ConfigureAwait(false)).Problems);
        }
        TimeSpan left = _mlflow.FlushTimeout - clock.Elapsed;
        DeliveryReport report = await Deliverer(_ledger, _mlflow).DeliverAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        problems.AddRange(report.Problems);
        DeliveryWarnings.Write(_renderer, _mlflow, report, problems);
    }

    private OutboxDeliverer Deliverer(RunLedger ledger, MlflowSettings mlflow) =>
        new(ledger, _store.Root, MlflowHttp.CreateApi(mlflow), mlflow);

    public async ValueTask DisposeAsync()
    {
        await _stopDelivery.CancelAsync().ConfigureAwait(false);
        if (_leftovers is not null)
        {
            try
            {
                await _leftovers.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stopDelivery.Dispose();
        _tracker?.Dispose();
        _ledger?.Dispose();
    }
}

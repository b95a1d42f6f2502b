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
/// <remarks>
/// Starting the run record (closing runs whose process was killed, reading git, writing the
/// parent and child runs) happens on a background task while the scheduler decides what is cached, so a no-op run does not wait for
/// it; a step that executes, and <see cref="Complete"/>, wait for it.
/// </remarks>
internal sealed class RunTracking : IAsyncDisposable, IStepMetricSinks
{
    private readonly CliServices _services;
    private readonly DiagnosticRenderer _renderer;
    private readonly ContentStore _store;
    private readonly StepGraph _graph;
    private readonly MlflowSettings? _mlflow;
    private readonly Task<Started> _starting;
    private readonly CancellationTokenSource _stopDelivery = new();
    private Task<DeliveryReport>? _leftovers;

    /// <summary>What the background start produced: the ledger and the run, or what went wrong (said later, on this thread).</summary>
    private sealed record Started(RunLedger? Ledger, RunTracker? Tracker, GitState? Git, IReadOnlyList<string> Notes, Diagnostic? Problem);

    private RunTracking(CliServices services, DiagnosticRenderer renderer, ContentStore store, StepGraph graph, MlflowSettings? mlflow, Task<Started> starting)
    {
        _services = services;
        _renderer = renderer;
        _store = store;
        _graph = graph;
        _mlflow = mlflow;
        _starting = starting;
    }

    /// <summary>Live metric sinks for the steps that execute here.</summary>
    public IStepMetricSinks Sinks => this;

    public string? RunId => Tracker?.ParentId;

    private Started State => _starting.GetAwaiter().GetResult();

    private RunTracker? Tracker => State.Tracker;

    private RunLedger? Ledger => State.Ledger;

    IMetricSink? IStepMetricSinks.ForStep(StepNode node, string key) => Tracker?.ForStep(node, key);

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

    /// <summary>Starts tracking; null when <c>--strict</c> refuses the tree (the diagnostic is written).</summary>
    public static async Task<RunTracking?> BeginAsync(
        CliServices services, DiagnosticRenderer renderer, ContentStore store, StepGraph graph, IReadOnlyList<string> overrides, bool strict,
        Task<LedgerOpening> opening)
    {
        MlflowSettings? mlflow = MlflowSettings.FromEnvironment(services.ReadEnvironment);
        if (strict)
        {
            // --strict decides before anything runs, so git is read here.
            var notes = new List<string>();
            GitState? git = ReadGit(graph, notes);
            if (Refuse(renderer, graph, git) is { } refusal)
            {
                renderer.Write(refusal);
                (await opening.ConfigureAwait(false)).Ledger?.Dispose();
                return null;
            }
            return Create(services, renderer, store, graph, mlflow, Task.Run(async () => Start(services, store, graph, overrides, mlflow, git, notes, await opening.ConfigureAwait(false))));
        }
        return Create(services, renderer, store, graph, mlflow, Task.Run(async () =>
        {
            var notes = new List<string>();
            GitState? git = ReadGit(graph, notes);
            return Start(services, store, graph, overrides, mlflow, git, notes, await opening.ConfigureAwait(false));
        }));
    }

    private static RunTracking Create(CliServices services, DiagnosticRenderer renderer, ContentStore store, StepGraph graph, MlflowSettings? mlflow, Task<Started> starting)
    {
        var tracking = new RunTracking(services, renderer, store, graph, mlflow, starting);
        if (mlflow is not null)
        {
            // Requests left by earlier invocations go out while this one runs.
            tracking._leftovers = starting.ContinueWith(
                started => started.Result.Ledger is { } ledger && ledger.PendingCount() > 0
                    ? tracking.Deliverer(ledger, mlflow).DeliverAsync(mlflow.FlushTimeout, tracking._stopDelivery.Token)
                    : Task.FromResult(new DeliveryReport(0, 0, 0, [], Busy: false)),
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
        return tracking;
    }

    private static GitState? ReadGit(StepGraph graph, List<string> notes)
    {
        try
        {
            GitState? git = GitReader.Read(graph.Spec.File);
            if (git is null)
            {
                notes.Add($"exp: note: {graph.Spec.File} is not in a git repository (or it has no commit); this run is not pinned to a commit.");
            }
            return git;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A damaged repository, or libgit2's native library failing to load: the run goes on, unpinned.
            Exception cause = exception is TypeInitializationException { InnerException: { } inner } ? inner.GetBaseException() : exception;
            notes.Add($"exp: note: cannot read the git repository ({cause.Message}); this run is not pinned to a commit.");
            return null;
        }
    }

    private static Diagnostic? Refuse(DiagnosticRenderer renderer, StepGraph graph, GitState? git)
    {
        if (git is null)
        {
            return Diagnostic.Error(DiagnosticCodes.GitNone, new SourceSpan(graph.Spec.File, 0, 0),
                "--strict needs the experiment in a git repository with a commit, to pin the run to it.");
        }
        if (git.Dirty)
        {
            return Diagnostic.Error(DiagnosticCodes.GitDirty, new SourceSpan(graph.Spec.File, 0, 0),
                $"--strict refuses to run with modified tracked files: {string.Join(", ", git.ModifiedFiles.Take(10))}"
                + (git.ModifiedFiles.Count > 10 ? $" and {git.ModifiedFiles.Count - 10} more" : string.Empty) + ".",
                "Commit or stash them, or run without --strict (the diff is then kept with the run).");
        }
        return null;
    }

    /// <summary>Opens the ledger if needed and records the run's start; problems become a warning for later.</summary>
    private static Started Start(
        CliServices services, ContentStore store, StepGraph graph, IReadOnlyList<string> overrides, MlflowSettings? mlflow,
        GitState? git, List<string> notes, LedgerOpening opening)
    {
        RunLedger? ledger = opening.Ledger;
        try
        {
            if (ledger is null)
            {
                LedgerOpening opened = opening.Error is null ? Open(store.Root) : opening;
                ledger = opened.Ledger ?? throw opened.Error ?? new LedgerException("the ledger could not be opened.");
            }
            CloseDeadRuns(ledger, mlflow is not null, notes);
            int maxChildren = int.TryParse(services.ReadEnvironment("EXP_MAX_CHILD_RUNS"), out int max) && max >= 0 ? max : 256;
            RunTracker tracker = RunTracker.Start(ledger, store, graph,
                new TrackingContext(overrides, git, Environment.UserName, QueueForMlflow: mlflow is not null) { MaxChildRuns = maxChildren });
            return new Started(ledger, tracker, git, notes, null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ledger?.Dispose();
            return new Started(null, null, git, notes, Diagnostic.Warning(DiagnosticCodes.LedgerError, new SourceSpan(store.Root, 0, 0),
                $"this run is not recorded in the ledger: {exception.Message}"));
        }
    }

    /// <summary>
    /// Closes runs left RUNNING by killed processes (queued for MLflow, so the delivery of leftovers
    /// that starts next sends them). A problem here is a note: it must not cost this run its record.
    /// </summary>
    private static void CloseDeadRuns(RunLedger ledger, bool queueForMlflow, List<string> notes)
    {
        try
        {
            notes.AddRange(DeadRuns.Notes(DeadRuns.Close(ledger, queueForMlflow)));
        }
        catch (Exception exception) when (exception is LedgerException or Microsoft.Data.Sqlite.SqliteException)
        {
            notes.Add($"exp: note: could not close the runs of killed processes: {exception.Message}");
        }
    }

    public void Complete(RunSummary summary)
    {
        Started started = State;
        if (started.Problem is not null)
        {
            _renderer.Write(started.Problem);
        }
        // Said once results are made (an up-to-date build stays one line).
        if (summary.Count(NodeStatus.Ran) > 0)
        {
            foreach (string note in started.Notes)
            {
                _services.Error.WriteLine(note);
            }
        }
        started.Tracker?.Complete(summary);
    }

    /// <summary>Evaluates the gates on this run's results; failures are written as diagnostics at each gate.</summary>
    public async Task<IReadOnlyList<GateResult>> EvaluateGatesAsync(RunSummary summary, string? summaryPath, CancellationToken cancellationToken)
    {
        IReadOnlyList<GateInput> inputs = summary.Outcomes.Select(o => new GateInput(o.Node.Id, o.Node.Name, o.Entry) { Variant = o.Node.Variant }).ToArray();
        IReadOnlyList<GateResult> results = await GateRunner.EvaluateAsync(_store, _graph, inputs, _mlflow, cancellationToken).ConfigureAwait(false);
        _renderer.Write(GateEvaluator.Diagnostics(results));
        string markdown = GateSummary.Markdown(_graph.ExperimentName, RunId, results);
        GateRunner.WriteSummary(markdown, summaryPath, _services.Error);
        if (Tracker is { } tracker)
        {
            tracker.AddArtifact("gates.md", Encoding.UTF8.GetBytes(markdown));
            tracker.SetTags(new Dictionary<string, string>(StringComparer.Ordinal) { ["exp.gates"] = results.All(r => r.Passed) ? "passed" : "failed" });
        }
        return results;
    }

    /// <summary>Queues this run for MLflow and delivers what the flush budget allows; the rest waits in the outbox.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (Ledger is not { } ledger || Tracker is not { } tracker)
        {
            return;
        }
        tracker.Dispose();
        if (_mlflow is null)
        {
            return;
        }
        tracker.QueueForMlflow();
        var problems = new List<MlflowException>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (_leftovers is not null)
        {
            problems.AddRange((await _leftovers.ConfigureAwait(false)).Problems);
        }
        TimeSpan left = _mlflow.FlushTimeout - clock.Elapsed;
        DeliveryReport report = await Deliverer(ledger, _mlflow).DeliverAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
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
        Started started = await _starting.ConfigureAwait(false);
        started.Tracker?.Dispose();
        started.Ledger?.Dispose();
    }
}

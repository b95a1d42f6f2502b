using System.Diagnostics;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Execution;
using Experiments.Engine.Keys;
using Experiments.Engine.Store;

namespace Experiments.Engine.Scheduling;

/// <summary>
/// Runs a compiled graph against the store: each node waits for its inputs, computes its key
/// from their output digests, and is either found in the action cache or executed under a
/// cross-process lock, in parallel up to the resource pool. A failure skips its dependents and
/// lets the rest finish; cancellation stops running steps and writes nothing half-done.
/// </summary>
public sealed class Scheduler
{
    private readonly ContentStore _store;
    private readonly RunOptions _options;
    private readonly IRunObserver _observer;
    private readonly StepExecutor _executor;
    private readonly IStepMetricSinks? _metricSinks;

    public Scheduler(ContentStore store, RunOptions options, IRunObserver observer, IStepMetricSinks? metricSinks = null)
    {
        _store = store;
        _options = options;
        _observer = observer;
        _executor = new StepExecutor(store);
        _metricSinks = metricSinks;
    }

    public async Task<RunSummary> RunAsync(StepGraph graph, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using IDisposable shared = await StoreLocks.AcquireSharedAsync(
            _store,
            () => _observer.Warning(Diagnostic.Warning(DiagnosticCodes.StoreError, new Spec.SourceSpan(_store.Root, 0, 0), "waiting for `exp gc` to finish with this store.")),
            cancellationToken).ConfigureAwait(false);
        History history = History.Load(_store, graph.ExperimentName);
        var run = new Run(this, graph, history, new ResourcePool(_options.Capacity), cancellationToken);
        NodeOutcome[] outcomes = await run.ExecuteAsync().ConfigureAwait(false);
        history.Save();
        _store.WriteRunRecord(new RunRecord(
            graph.ExperimentName,
            graph.Spec.File,
            DateTimeOffset.UtcNow,
            outcomes.Where(o => o.Key is not null).Select(o => o.Key!).Distinct().ToArray()));
        return new RunSummary(graph, outcomes, stopwatch.Elapsed.TotalSeconds);
    }

    /// <summary>The state of one run: a task per node, created in dependency order.</summary>
    private sealed class Run(Scheduler scheduler, StepGraph graph, History history, ResourcePool pool, CancellationToken cancellationToken)
    {
        private readonly Task<NodeOutcome>[] _tasks = new Task<NodeOutcome>[graph.Nodes.Count];
        private readonly SourceDigests _sources = new(scheduler._store, ingest: true);

        private ContentStore Store => scheduler._store;

        private IRunObserver Observer => scheduler._observer;

        public async Task<NodeOutcome[]> ExecuteAsync()
        {
            // Each node starts on the thread pool, so cache checks of independent nodes use every core.
            foreach (StepNode node in graph.Nodes)
            {
                _tasks[node.Index] = Task.Run(() => ResolveAsync(node));
            }
            return await Task.WhenAll(_tasks).ConfigureAwait(false);
        }

        private async Task<NodeOutcome> ResolveAsync(StepNode node)
        {
            NodeOutcome outcome;
            try
            {
                outcome = await ResolveCoreAsync(node).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                outcome = new NodeOutcome(node, NodeStatus.Cancelled) { Message = "cancelled" };
            }
            Observer.StepFinished(outcome);
            return outcome;
        }

        private async Task<NodeOutcome> ResolveCoreAsync(StepNode node)
        {
            var inputDigests = new Dictionary<string, string>(StringComparer.Ordinal);
            var inputManifests = new Dictionary<string, OutputManifest>(StringComparer.Ordinal);
            foreach (NodeInput input in node.Inputs)
            {
                NodeOutcome upstream = await _tasks[input.Source.Index].ConfigureAwait(false);
                if (!upstream.Succeeded)
                {
                    NodeStatus status = upstream.Status == NodeStatus.Cancelled ? NodeStatus.Cancelled : NodeStatus.Skipped;
                    string why = upstream.Status == NodeStatus.Failed ? "failed" : upstream.Status.ToString().ToLowerInvariant();
                    return new NodeOutcome(node, status) { Message = $"upstream {upstream.Node.Id} {why}" };
                }
                OutputManifest manifest = upstream.Entry!.Outputs[input.OutputName];
                inputDigests[input.InputName] = manifest.Digest;
                inputManifests[input.InputName] = manifest;
            }
            var sources = node.SourceFiles.ToDictionary(f => f.ParamName, _sources.Get, StringComparer.Ordinal);
            KeyDescription description = StepKeys.Describe(
                node, graph.Seed, inputDigests, sources.ToDictionary(s => s.Key, s => s.Value.Digest, StringComparer.Ordinal));
            string key = description.Key;

            if (FindSound(node, key) is { } hit)
            {
                history.Record(node.Id, description);
                return new NodeOutcome(node, NodeStatus.Cached) { Description = description, Entry = hit };
            }
            cancellationToken.ThrowIfCancellationRequested();

            var spec = new StepSpecRecord(key, node.Id, description.CanonicalJson, inputManifests, sources);
            NodeOutcome outcome = await ExecuteLockedAsync(node, description, spec).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                history.Record(node.Id, description);
            }
            return outcome;
        }

        /// <summary>Executes a node while holding its key's lock (after checking nobody finished it meanwhile).</summary>
        private async Task<NodeOutcome> ExecuteLockedAsync(StepNode node, KeyDescription description, StepSpecRecord spec, int attempt = 0)
        {
            string key = description.Key;
            using IDisposable keyLock = await StoreLocks.AcquireKeyAsync(Store, key, () => Observer.StepWaiting(node), cancellationToken)
                .ConfigureAwait(false);
            if (FindSound(node, key) is { } finished)
            {
                return new NodeOutcome(node, NodeStatus.Cached) { Description = description, Entry = finished };
            }
            using IDisposable slots = await pool.AcquireAsync(node.Kind.Schema.Slots, cancellationToken).ConfigureAwait(false);
            string reason = string.Join("; ", KeyDiff.Explain(history.Previous(node.Id), description, node));
            Observer.StepStarted(node, reason);
            Store.PutSpec(spec);
            var progress = new Progress(Observer, node);
            var stopwatch = Stopwatch.StartNew();
            try
            {
                ActionEntry entry = await scheduler._executor.ExecuteAsync(
                    spec, node.Kind, progress, cancellationToken, scheduler._metricSinks?.ForStep(node, key)).ConfigureAwait(false);
                return new NodeOutcome(node, NodeStatus.Ran)
                {
                    Description = description, Entry = entry, Seconds = stopwatch.Elapsed.TotalSeconds, Message = reason, LogPath = Store.LogPath(key),
                };
            }
            catch (CorruptInputException corrupt) when (attempt < 2)
            {
                // An input blob went bad after it was cached: recompute its producer, then retry.
                NodeInput input = node.Inputs.First(i => i.InputName == corrupt.InputName);
                NodeOutcome upstream = await _tasks[input.Source.Index].ConfigureAwait(false);
                Observer.Warning(Diagnostic.Warning(DiagnosticCodes.CorruptBlob, node.Declaration.Span,
                    $"{corrupt.Message} Recomputing `{upstream.Node.Id}`."));
                Store.DiscardBlob(corrupt.File.Digest);
                Store.RemoveAction(upstream.Key!);
                keyLock.Dispose();
                slots.Dispose();
                StepSpecRecord upstreamSpec = Store.TryGetSpec(upstream.Key!)
                    ?? new StepSpecRecord(upstream.Key!, upstream.Node.Id, upstream.Description!.CanonicalJson, new Dictionary<string, OutputManifest>(), new Dictionary<string, StepSourceRecord>());
                NodeOutcome redone = await ExecuteLockedAsync(upstream.Node, upstream.Description!, upstreamSpec, attempt + 1).ConfigureAwait(false);
                if (!redone.Succeeded)
                {
                    return new NodeOutcome(node, NodeStatus.Skipped) { Description = description, Message = $"upstream {upstream.Node.Id} failed on recompute" };
                }
                return await ExecuteLockedAsync(node, description, spec, attempt + 1).ConfigureAwait(false);
            }
            catch (StepFailedException failure)
            {
                return Failed(node, description, failure.Message, stopwatch);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new NodeOutcome(node, NodeStatus.Cancelled) { Description = description, Message = "cancelled", LogPath = Store.LogPath(key) };
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return Failed(node, description, $"internal error in `{node.Kind.Name}`: {exception.Message} (stack trace in the log)", stopwatch);
            }
        }

        private NodeOutcome Failed(StepNode node, KeyDescription description, string message, Stopwatch stopwatch) =>
            new(node, NodeStatus.Failed)
            {
                Description = description, Message = message, Seconds = stopwatch.Elapsed.TotalSeconds, LogPath = Store.LogPath(description.Key),
            };

        /// <summary>The cached entry for a key, if its blobs are sound; a damaged one is dropped with a warning.</summary>
        private ActionEntry? FindSound(StepNode node, string key)
        {
            ActionEntry? entry = Store.TryGetAction(key);
            if (entry is null)
            {
                return null;
            }
            if (Store.FindDamage(entry, full: false) is { } damaged)
            {
                Observer.Warning(Diagnostic.Warning(DiagnosticCodes.CorruptBlob, node.Declaration.Span,
                    $"cached output of `{node.Id}` is damaged ({damaged.Path}, blob {damaged.Digest[..12]}); recomputing it."));
                Store.DiscardBlob(damaged.Digest);
                Store.RemoveAction(key);
                return null;
            }
            return entry;
        }
    }

    /// <summary>Forwards a step's progress to the observer with its node.</summary>
    private sealed class Progress(IRunObserver observer, StepNode node) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => observer.StepProgress(node, value);
    }
}

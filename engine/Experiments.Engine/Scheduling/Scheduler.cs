using System.Collections.Concurrent;
using System.Diagnostics;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Execution;
using Experiments.Engine.Keys;
using Experiments.Engine.Store;

namespace Experiments.Engine.Scheduling;

/// <summary>
/// Runs a compiled graph against the store: each node waits for its inputs, computes its key
/// from their output digests, and is either found in the action cache or handed to the executor
/// (by default <see cref="LocalExecutor"/>: in this process, under a cross-process lock, in
/// parallel up to the resource pool). With an executor that submits ahead (Slurm), a node whose
/// upstream is still queued is handed over at once, as a recipe that depends on the upstream's
/// ticket. A failure skips its dependents and lets the rest finish; cancellation stops running
/// steps and writes nothing half-done.
/// </summary>
public sealed class Scheduler
{
    private readonly ContentStore _store;
    private readonly IRunObserver _observer;
    private readonly IStepExecutor _executor;

    public Scheduler(ContentStore store, RunOptions options, IRunObserver observer, IStepExecutor? executor = null)
    {
        _store = store;
        _observer = observer;
        _executor = executor ?? new LocalExecutor(store, options, observer);
    }

    public async Task<RunSummary> RunAsync(StepGraph graph, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using IDisposable shared = await StoreLocks.AcquireSharedAsync(
            _store,
            () => _observer.Warning(Diagnostic.Warning(DiagnosticCodes.StoreError, new Spec.SourceSpan(_store.Root, 0, 0), "waiting for `exp gc` to finish with this store.")),
            cancellationToken).ConfigureAwait(false);
        History history = History.Load(_store, graph.ExperimentName);
        var run = new Run(this, graph, history, cancellationToken);
        NodeOutcome[] outcomes = await run.ExecuteAsync().ConfigureAwait(false);
        history.Save();
        _store.WriteRunRecord(new RunRecord(
            graph.ExperimentName,
            graph.Spec.File,
            DateTimeOffset.UtcNow,
            outcomes.Where(o => o.Key is not null).Select(o => o.Key!).Distinct().ToArray()));
        return new RunSummary(graph, outcomes, stopwatch.Elapsed.TotalSeconds);
    }

    /// <summary>What a downstream node sees of an upstream one: its outcome, or the ticket of its unfinished job.</summary>
    private sealed record Handle(NodeOutcome? Outcome, StepTicket? Ticket);

    /// <summary>The state of one run: a task per node, created in dependency order.</summary>
    private sealed class Run
    {
        private readonly Scheduler _scheduler;
        private readonly StepGraph _graph;
        private readonly History _history;
        private readonly CancellationToken _cancellationToken;
        private readonly Task<NodeOutcome>[] _tasks;
        private readonly TaskCompletionSource<Handle>[] _handles;
        private readonly SourceDigests _sources;
        private readonly CacheLookup _cache;
        private readonly RecipeBook? _recipes;
        private readonly ConcurrentDictionary<string, bool> _publishedResults = new(StringComparer.Ordinal);

        public Run(Scheduler scheduler, StepGraph graph, History history, CancellationToken cancellationToken)
        {
            _scheduler = scheduler;
            _graph = graph;
            _history = history;
            _cancellationToken = cancellationToken;
            _tasks = new Task<NodeOutcome>[graph.Nodes.Count];
            _handles = graph.Nodes.Select(_ => new TaskCompletionSource<Handle>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            _sources = new SourceDigests(scheduler._store, ingest: true);
            _cache = new CacheLookup(scheduler._store, scheduler._observer);
            _recipes = scheduler._executor.SubmitsAhead ? new RecipeBook(graph, _sources) : null;
        }

        private ContentStore Store => _scheduler._store;

        private IRunObserver Observer => _scheduler._observer;

        private IStepExecutor Executor => _scheduler._executor;

        public async Task<NodeOutcome[]> ExecuteAsync()
        {
            // Each node starts on the thread pool, so cache checks of independent nodes use every core.
            foreach (StepNode node in _graph.Nodes)
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
            catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
            {
                outcome = new NodeOutcome(node, NodeStatus.Cancelled) { Message = "cancelled" };
            }
            _handles[node.Index].TrySetResult(new Handle(outcome, null));
            Observer.StepFinished(outcome);
            return outcome;
        }

        private async Task<NodeOutcome> ResolveCoreAsync(StepNode node)
        {
            var inputDigests = new Dictionary<string, string>(StringComparer.Ordinal);
            var inputManifests = new Dictionary<string, OutputManifest>(StringComparer.Ordinal);
            var pending = new List<(NodeInput Input, StepTicket Ticket)>();
            foreach (NodeInput input in node.Inputs)
            {
                Handle handle = await _handles[input.Source.Index].Task.ConfigureAwait(false);
                if (handle.Ticket is { } ticket)
                {
                    pending.Add((input, ticket));
                    continue;
                }
                NodeOutcome upstream = handle.Outcome!;
                if (!upstream.Succeeded)
                {
                    return NotRun(node, upstream);
                }
                OutputManifest manifest = upstream.Entry!.Outputs[input.OutputName];
                inputDigests[input.InputName] = manifest.Digest;
                inputManifests[input.InputName] = manifest;
            }
            var sources = node.SourceFiles.ToDictionary(f => f.ParamName, _sources.Get, StringComparer.Ordinal);
            var sourceDigests = sources.ToDictionary(s => s.Key, s => s.Value.Digest, StringComparer.Ordinal);

            StepWork work;
            if (pending.Count == 0)
            {
                KeyDescription description = StepKeys.Describe(node, _graph.Seed, inputDigests, sourceDigests);
                string key = description.Key;
                if (_cache.FindSound(node, key) is { } hit)
                {
                    _history.Record(node.Id, description);
                    return new NodeOutcome(node, NodeStatus.Cached) { Description = description, Entry = hit };
                }
                _cancellationToken.ThrowIfCancellationRequested();
                string reason = string.Join("; ", KeyDiff.Explain(_history.Previous(node.Id), description, node));
                work = new StepWork(node, reason)
                {
                    Description = description,
                    Spec = new StepSpecRecord(key, node.Id, description.CanonicalJson, inputManifests, sources),
                    Recipe = _recipes?.For(node),
                };
            }
            else
            {
                _cancellationToken.ThrowIfCancellationRequested();
                List<string> reasons = PendingReasons.Explain(_history.Previous(node.Id), node, _graph.Seed, sourceDigests, pending[0].Input.Source);
                work = new StepWork(node, string.Join("; ", reasons))
                {
                    Recipe = _recipes!.For(node),
                    Pending = pending.Select(p => p.Ticket).Distinct().ToArray(),
                };
            }
            if (_recipes is not null)
            {
                PublishFinishedInputs(node);
            }

            NodeOutcome outcome = await ExecuteAsync(work).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                // A job cancelled by its batch system because an upstream job failed is a skip.
                foreach ((NodeInput input, _) in pending)
                {
                    NodeOutcome upstream = await _tasks[input.Source.Index].ConfigureAwait(false);
                    if (!upstream.Succeeded)
                    {
                        return NotRun(node, upstream) with { JobId = outcome.JobId };
                    }
                }
            }
            if (outcome.Succeeded && outcome.Description is not null)
            {
                _history.Record(node.Id, outcome.Description);
            }
            return outcome;
        }

        private static NodeOutcome NotRun(StepNode node, NodeOutcome upstream)
        {
            NodeStatus status = upstream.Status == NodeStatus.Cancelled ? NodeStatus.Cancelled : NodeStatus.Skipped;
            string why = upstream.Status == NodeStatus.Failed ? "failed" : upstream.Status.ToString().ToLowerInvariant();
            return new NodeOutcome(node, status) { Message = $"upstream {upstream.Node.Id} {why}" };
        }

        /// <summary>
        /// A recipe reads each input through its upstream recipe's result: for inputs that already
        /// finished here (cached, or run before), make sure the store has that result.
        /// </summary>
        private void PublishFinishedInputs(StepNode node)
        {
            foreach (NodeInput input in node.Inputs)
            {
                Task<Handle> handle = _handles[input.Source.Index].Task;
                if (handle.Result.Outcome is not { Key: { } key } upstream)
                {
                    continue;
                }
                string recipe = _recipes!.For(input.Source).Id;
                if (_publishedResults.TryAdd(recipe, true) && Store.TryGetRecipeResult(recipe)?.Key != key)
                {
                    Store.PutRecipeResult(new RecipeResult(recipe, key, upstream.Status == NodeStatus.Ran));
                }
            }
        }

        /// <summary>Hands a node to the executor; an input found damaged is recomputed and the node retried.</summary>
        private async Task<NodeOutcome> ExecuteAsync(StepWork work, int attempt = 0)
        {
            StepNode node = work.Node;
            try
            {
                return await Executor.RunAsync(work, ticket => _handles[node.Index].TrySetResult(new Handle(null, ticket)), _cancellationToken)
                    .ConfigureAwait(false);
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
                StepSpecRecord upstreamSpec = Store.TryGetSpec(upstream.Key!)
                    ?? new StepSpecRecord(upstream.Key!, upstream.Node.Id, upstream.Description!.CanonicalJson, new Dictionary<string, OutputManifest>(), new Dictionary<string, StepSourceRecord>());
                var redo = new StepWork(upstream.Node, "its output was damaged")
                {
                    Description = upstream.Description, Spec = upstreamSpec, Recipe = _recipes?.For(upstream.Node),
                };
                NodeOutcome redone = await ExecuteAsync(redo, attempt + 1).ConfigureAwait(false);
                if (!redone.Succeeded)
                {
                    return new NodeOutcome(node, NodeStatus.Skipped) { Description = work.Description, Message = $"upstream {upstream.Node.Id} failed on recompute" };
                }
                return await ExecuteAsync(work, attempt + 1).ConfigureAwait(false);
            }
            catch (CorruptInputException corrupt)
            {
                return new NodeOutcome(node, NodeStatus.Failed)
                {
                    Description = work.Description, Message = corrupt.Message, LogPath = work.Description is null ? null : Store.LogPath(work.Description.Key),
                };
            }
        }
    }
}

using System.Diagnostics;
using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Keys;
using Experiments.Engine.Store;

namespace Experiments.Engine.Scheduling;

/// <summary>
/// Runs steps in this process, as many at once as the resource pool allows, each under its key's
/// cross-process lock (after checking that nobody finished it meanwhile).
/// </summary>
public sealed class LocalExecutor : IStepExecutor
{
    private readonly ContentStore _store;
    private readonly IRunObserver _observer;
    private readonly ResourcePool _pool;
    private readonly StepExecutor _executor;
    private readonly CacheLookup _cache;
    private readonly IStepMetricSinks? _metricSinks;

    public LocalExecutor(ContentStore store, RunOptions options, IRunObserver observer)
    {
        _store = store;
        _observer = observer;
        _pool = new ResourcePool(options.Capacity);
        _executor = new StepExecutor(store);
        _cache = new CacheLookup(store, observer);
        _metricSinks = options.MetricSinks;
    }

    public bool SubmitsAhead => false;

    public async Task<NodeOutcome> RunAsync(StepWork work, Action<StepTicket> submitted, CancellationToken cancellationToken)
    {
        StepNode node = work.Node;
        KeyDescription description = work.Description
            ?? throw new InvalidOperationException("The local executor runs steps whose inputs have finished.");
        string key = description.Key;
        using IDisposable keyLock = await StoreLocks.AcquireKeyAsync(_store, key, () => _observer.StepWaiting(node), cancellationToken)
            .ConfigureAwait(false);
        if (_cache.FindSound(node, key) is { } finished)
        {
            return new NodeOutcome(node, NodeStatus.Cached) { Description = description, Entry = finished };
        }
        using IDisposable slots = await _pool.AcquireAsync(node.Kind.Schema.Slots, cancellationToken).ConfigureAwait(false);
        _observer.StepStarted(node, work.Reason);
        _store.PutSpec(work.Spec!);
        var progress = new Progress(_observer, node);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            ActionEntry entry = await _executor.ExecuteAsync(
                work.Spec!, node.Kind, progress, cancellationToken, _metricSinks?.ForStep(node, key)).ConfigureAwait(false);
            return new NodeOutcome(node, NodeStatus.Ran)
            {
                Description = description, Entry = entry, Seconds = stopwatch.Elapsed.TotalSeconds, Message = work.Reason, LogPath = _store.LogPath(key),
            };
        }
        catch (StepFailedException failure)
        {
            return Failed(node, description, failure.Message, stopwatch);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new NodeOutcome(node, NodeStatus.Cancelled) { Description = description, Message = "cancelled", LogPath = _store.LogPath(key) };
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not CorruptInputException)
        {
            return Failed(node, description, $"internal error in `{node.Kind.Name}`: {exception.Message} (stack trace in the log)", stopwatch);
        }
    }

    private NodeOutcome Failed(StepNode node, KeyDescription description, string message, Stopwatch stopwatch) =>
        new(node, NodeStatus.Failed)
        {
            Description = description, Message = message, Seconds = stopwatch.Elapsed.TotalSeconds, LogPath = _store.LogPath(description.Key),
        };

    /// <summary>Forwards a step's progress to the observer with its node.</summary>
    private sealed class Progress(IRunObserver observer, StepNode node) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => observer.StepProgress(node, value);
    }
}

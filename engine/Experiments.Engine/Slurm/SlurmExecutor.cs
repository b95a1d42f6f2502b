using System.Diagnostics;
using System.Text.Json;
using Experiments.Engine.Compile;
using Experiments.Engine.Keys;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Store;

namespace Experiments.Engine.Slurm;

/// <summary>
/// Submits each step that must run as a Slurm job running <c>exp step run RECIPE --store PATH</c>,
/// with <c>afterok</c> dependencies on the jobs of its unfinished inputs, resources from its kind's
/// slots, and follows the jobs with squeue. The store must be on a filesystem every node shares
/// (README, "Slurm"). Jobs are recorded in the store by recipe, so a rerun after `exp` died waits
/// for the jobs still queued or running instead of submitting them again.
/// </summary>
public sealed class SlurmExecutor : IStepExecutor
{
    private const int ExcerptLines = 12;

    private readonly ContentStore _store;
    private readonly SlurmOptions _options;
    private readonly IRunObserver _observer;
    private readonly SlurmClient _client;
    private readonly SlurmJobWatcher _watcher;
    private readonly string _storeTag;
    private readonly Lazy<Task<IReadOnlyDictionary<string, string>>> _liveJobs;

    public SlurmExecutor(ContentStore store, SlurmOptions options, IRunObserver observer, SlurmClient? client = null)
    {
        _store = store;
        _options = options;
        _observer = observer;
        _client = client ?? new SlurmClient();
        _watcher = new SlurmJobWatcher(_client, options.PollInterval);
        _storeTag = Hashing.Sha256Hex(store.Root)[..12];
        // Read once per run, only if some recipe has no job record (an `exp` killed between sbatch and the record).
        _liveJobs = new Lazy<Task<IReadOnlyDictionary<string, string>>>(() => _client.LiveJobsByCommentAsync("exp recipe="));
    }

    public bool SubmitsAhead => true;

    public string JobRecordPath(string recipe) => Path.Combine(_store.Root, "jobs", recipe[..2], recipe + ".json");

    public string JobOutputPath(string recipe, string jobId) => Path.Combine(_store.Root, "jobs", recipe[..2], $"{recipe}.{jobId}.out");

    public async Task<NodeOutcome> RunAsync(StepWork work, Action<StepTicket> submitted, CancellationToken cancellationToken)
    {
        StepNode node = work.Node;
        StepRecipe recipe = work.Recipe ?? throw new InvalidOperationException("The Slurm executor needs the step's recipe.");
        _store.PutRecipe(recipe);
        string jobId;
        bool attached;
        try
        {
            (jobId, attached) = await AttachOrSubmitAsync(work, recipe, cancellationToken).ConfigureAwait(false);
        }
        catch (SlurmException exception)
        {
            return new NodeOutcome(node, NodeStatus.Failed) { Description = work.Description, Message = exception.Message };
        }
        submitted(new StepTicket(recipe.Id, jobId));
        _observer.StepSubmitted(node, jobId, attached);

        var stopwatch = Stopwatch.StartNew();
        int started = 0;
        void Started()
        {
            if (Interlocked.Exchange(ref started, 1) == 0)
            {
                stopwatch.Restart();
                _observer.StepStarted(node, work.Reason);
            }
        }
        SlurmJobStatus status;
        try
        {
            status = await _watcher.WaitAsync(jobId, Started, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            string message;
            if (attached)
            {
                // Not ours: an earlier run submitted it, and another `exp` may be waiting for it too.
                message = $"cancelled; job {jobId} keeps running (an earlier run submitted it)";
            }
            else
            {
                await _client.CancelAsync([jobId]).ConfigureAwait(false);
                message = $"cancelled (scancel {jobId})";
            }
            return new NodeOutcome(node, NodeStatus.Cancelled) { Description = work.Description, Message = message, JobId = jobId };
        }
        catch (SlurmException exception)
        {
            return new NodeOutcome(node, NodeStatus.Failed) { Description = work.Description, Message = exception.Message, JobId = jobId };
        }
        return Finish(work, recipe, jobId, status, Started);
    }

    private NodeOutcome Finish(StepWork work, StepRecipe recipe, string jobId, SlurmJobStatus status, Action started)
    {
        StepNode node = work.Node;
        if (status.Succeeded || status.State == "MISSING")
        {
            // A job that aged out of squeue unseen counts if its result is in the store.
            if (_store.TryGetRecipeResult(recipe.Id) is { } result && _store.TryGetAction(result.Key) is { } entry)
            {
                started();
                StepSpecRecord? spec = _store.TryGetSpec(result.Key);
                return new NodeOutcome(node, result.Ran ? NodeStatus.Ran : NodeStatus.Cached)
                {
                    Description = spec is null ? work.Description : KeyDescription.Parse(spec.Description),
                    Entry = entry,
                    Seconds = result.Ran ? entry.Seconds : 0,
                    Message = work.Reason,
                    LogPath = result.Ran ? _store.LogPath(result.Key) : null,
                    JobId = jobId,
                };
            }
            if (status.Succeeded)
            {
                return Failed(work, recipe, jobId,
                    $"Slurm job {jobId} completed but its result is not in the store (is {_store.Root} on a filesystem this machine shares with the compute nodes?)");
            }
        }
        return Failed(work, recipe, jobId, $"Slurm job {jobId} {status}");
    }

    private NodeOutcome Failed(StepWork work, StepRecipe recipe, string jobId, string message)
    {
        string output = JobOutputPath(recipe.Id, jobId);
        string excerpt = Excerpt(output);
        return new NodeOutcome(work.Node, NodeStatus.Failed)
        {
            Description = work.Description,
            Message = excerpt.Length == 0 ? message : $"{message}; its log ends:\n{excerpt}",
            LogPath = File.Exists(output) ? output : null,
            JobId = jobId,
        };
    }

    private static string Excerpt(string path)
    {
        try
        {
            string[] lines = File.ReadAllLines(path);
            return string.Join('\n', lines.Where(l => l.Length > 0).TakeLast(ExcerptLines).Select(l => "    | " + l));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    /// <summary>
    /// The job of this recipe that is still queued or running (submitted by an earlier run), or a
    /// new one. Held under the recipe's lock, so two runs on one store submit it once.
    /// </summary>
    private async Task<(string JobId, bool Attached)> AttachOrSubmitAsync(StepWork work, StepRecipe recipe, CancellationToken cancellationToken)
    {
        using IDisposable recipeLock = await StoreLocks.AcquireRecipeAsync(_store, recipe.Id, cancellationToken).ConfigureAwait(false);
        string comment = $"exp recipe={recipe.Id} store={_storeTag}";
        if (ReadRecord(recipe.Id) is { } record)
        {
            IReadOnlyDictionary<string, SlurmJobStatus> states = await _client.QueryAsync([record.JobId]).ConfigureAwait(false);
            if (states.TryGetValue(record.JobId, out SlurmJobStatus? state) && !state.IsFinished)
            {
                return (record.JobId, true);
            }
        }
        else if ((await _liveJobs.Value.ConfigureAwait(false)).TryGetValue(comment, out string? live))
        {
            WriteRecord(recipe, work.Node, live);
            return (live, true);
        }

        StepNode node = work.Node;
        string output = JobOutputPath(recipe.Id, "%j");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var request = new SbatchRequest(
            $"exp:{_options.Experiment}/{node.Id}",
            comment,
            output,
            node.Kind.Schema.Slots,
            work.Pending.Select(t => t.JobId).Distinct().ToArray(),
            [.. _options.ExpCommand, "step", "run", recipe.Id, "--store", _store.Root]);
        // Not cancellable: once sbatch has answered, the job must be recorded (or cancelled by the caller).
        string jobId = await _client.SubmitAsync(request, _options).ConfigureAwait(false);
        WriteRecord(recipe, node, jobId);
        return (jobId, false);
    }

    private SlurmJobRecord? ReadRecord(string recipe)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(JobRecordPath(recipe)), StoreJson.Default.SlurmJobRecord);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    private void WriteRecord(StepRecipe recipe, StepNode node, string jobId)
    {
        var record = new SlurmJobRecord(recipe.Id, jobId, node.Id, _options.Experiment, DateTimeOffset.UtcNow, Environment.MachineName);
        string path = JobRecordPath(recipe.Id);
        _store.EnsureDirectoryFor(path);
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(record, StoreJson.Default.SlurmJobRecord), _store.Temp);
    }
}

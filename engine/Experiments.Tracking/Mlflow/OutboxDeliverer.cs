using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Experiments.Tracking.Ledger;

namespace Experiments.Tracking.Mlflow;

/// <summary>What one delivery pass achieved.</summary>
public sealed record DeliveryReport(int Delivered, int Pending, int SetAside, IReadOnlyList<MlflowException> Problems, bool Busy);

/// <summary>
/// Sends the outbox to MLflow, oldest first, each request exactly once as MLflow sees it. A request
/// is counted as attempted (committed) before it leaves; a request with an earlier attempt may
/// have arrived, so it is checked first: a run by its <c>exp.run_id</c> tag, a log-batch by the
/// run's <c>exp.outbox.seq</c> tag (set in the same batch, which MLflow applies atomically), an
/// artifact by listing its folder. One deliverer per store at a time (a lock file); requests of a
/// run stay in order (a failed one holds back the rest of its run).
/// </summary>
public sealed class OutboxDeliverer(RunLedger ledger, string storeRoot, IMlflowApi api, MlflowSettings settings)
{
    public const string SequenceTag = "exp.outbox.seq";
    public const string RunIdTag = "exp.run_id";

    private readonly Dictionary<string, string> _experiments = new(StringComparer.Ordinal);

    /// <summary>Delivers until the outbox is empty or <paramref name="budget"/> is spent.</summary>
    public async Task<DeliveryReport> DeliverAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        FileStream? lockFile = TryLock();
        if (lockFile is null)
        {
            return new DeliveryReport(0, ledger.PendingCount(), 0, [], Busy: true);
        }
        using (lockFile)
        {
            var clock = Stopwatch.StartNew();
            var problems = new List<MlflowException>();
            int delivered = 0;
            int setAside = 0;
            TimeSpan pause = TimeSpan.FromMilliseconds(250);
            while (!cancellationToken.IsCancellationRequested)
            {
                (int sent, int rejected, bool stuck) = await PassAsync(problems, cancellationToken).ConfigureAwait(false);
                delivered += sent;
                setAside += rejected;
                if (!stuck || ledger.PendingCount() == 0)
                {
                    break;
                }
                TimeSpan left = budget - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    break;
                }
                await Task.Delay(pause < left ? pause : left, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                if (clock.Elapsed >= budget)
                {
                    break;
                }
            }
            return new DeliveryReport(delivered, ledger.PendingCount(), setAside, problems, Busy: false);
        }
    }

    /// <summary>One pass over the pending requests. Stuck: some request failed and is worth retrying.</summary>
    private async Task<(int Sent, int Rejected, bool Stuck)> PassAsync(List<MlflowException> problems, CancellationToken cancellationToken)
    {
        int sent = 0;
        int rejected = 0;
        bool stuck = false;
        var held = new HashSet<string>(StringComparer.Ordinal);
        long after = 0;
        while (true)
        {
            IReadOnlyList<OutboxEvent> batch = ledger.PendingEvents(200).Where(e => e.Id > after).ToList();
            if (batch.Count == 0)
            {
                return (sent, rejected, stuck);
            }
            foreach (OutboxEvent pending in batch)
            {
                after = pending.Id;
                cancellationToken.ThrowIfCancellationRequested();
                LedgerRun? run = ledger.TryGetRun(pending.RunId);
                if (held.Contains(pending.RunId) || (run?.ParentId is { } parent && held.Contains(parent)))
                {
                    continue;
                }
                try
                {
                    ledger.MarkAttempt(pending.Id);
                    await DeliverAsync(pending, run, cancellationToken).ConfigureAwait(false);
                    ledger.MarkDelivered(pending.Id);
                    sent++;
                }
                catch (MlflowException failure) when (failure.Failure == MlflowFailure.Rejected)
                {
                    ledger.SetAside(pending.Id, failure.Message);
                    problems.Add(failure);
                    rejected++;
                }
                catch (MlflowException failure)
                {
                    ledger.RecordFailure(pending.Id, failure.Message);
                    problems.Add(failure);
                    held.Add(pending.RunId);
                    stuck = true;
                    if (failure.Failure == MlflowFailure.Unauthorized)
                    {
                        // Every request would fail the same way.
                        return (sent, rejected, false);
                    }
                }
                catch (Exception unexpected) when (unexpected is not OperationCanceledException)
                {
                    // An answer we cannot read (a proxy's page, a changed API): keep the request and move on.
                    var failure = new MlflowException(MlflowFailure.Ambiguous, $"{pending.Kind}: unexpected answer ({unexpected.GetType().Name}: {unexpected.Message}).", inner: unexpected);
                    ledger.RecordFailure(pending.Id, failure.Message);
                    problems.Add(failure);
                    held.Add(pending.RunId);
                    stuck = true;
                }
            }
        }
    }

    private FileStream? TryLock()
    {
        try
        {
            Directory.CreateDirectory(storeRoot);
            return new FileStream(Path.Combine(storeRoot, "outbox.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private Task DeliverAsync(OutboxEvent pending, LedgerRun? run, CancellationToken cancellationToken) => pending.Kind switch
    {
        OutboxPlanner.CreateRun => CreateRunAsync(pending, cancellationToken),
        OutboxPlanner.LogBatch => LogBatchAsync(pending, cancellationToken),
        OutboxPlanner.Artifact => UploadAsync(pending, cancellationToken),
        OutboxPlanner.UpdateRun => UpdateRunAsync(pending, cancellationToken),
        _ => throw new MlflowException(MlflowFailure.Rejected, $"unknown outbox request kind `{pending.Kind}` (written by a newer exp?)."),
    };

    private async Task<string> ExperimentIdAsync(string name, CancellationToken cancellationToken)
    {
        string experimentName = MlflowLimits.Truncate(settings.ExperimentName ?? name, MlflowLimits.MaxExperimentNameLength, out _);
        if (_experiments.TryGetValue(experimentName, out string? known))
        {
            return known;
        }
        string id = await FindExperimentAsync(experimentName, cancellationToken).ConfigureAwait(false)
            ?? await CreateExperimentAsync(experimentName, cancellationToken).ConfigureAwait(false);
        _experiments[experimentName] = id;
        return id;
    }

    private async Task<string?> FindExperimentAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            GetExperimentResponse response = await MlflowException.Guard("experiments/get-by-name",
                () => api.GetExperimentByNameAsync(name, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (response.Experiment is { LifecycleStage: "deleted" })
            {
                throw new MlflowException(MlflowFailure.Unauthorized,
                    $"MLflow experiment `{name}` is deleted: restore it in MLflow, or set MLFLOW_EXPERIMENT_NAME to another name; events stay queued.");
            }
            return response.Experiment?.ExperimentId;
        }
        catch (MlflowException missing) when (missing.ErrorCode == "RESOURCE_DOES_NOT_EXIST")
        {
            return null;
        }
    }

    private async Task<string> CreateExperimentAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            CreateExperimentResponse created = await MlflowException.Guard("experiments/create",
                () => api.CreateExperimentAsync(new CreateExperimentRequest(name), cancellationToken), cancellationToken).ConfigureAwait(false);
            return created.ExperimentId;
        }
        catch (MlflowException exists) when (exists.ErrorCode == "RESOURCE_ALREADY_EXISTS")
        {
            // Another client created it between our lookup and our create.
            return await FindExperimentAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new MlflowException(MlflowFailure.Transient, $"experiment `{name}` exists and does not; will retry.");
        }
    }

    private async Task CreateRunAsync(OutboxEvent pending, CancellationToken cancellationToken)
    {
        if (ledger.MlflowRun(pending.RunId) is not null)
        {
            return;
        }
        CreateRunPayload payload = JsonSerializer.Deserialize<CreateRunPayload>(pending.Payload, MlflowJson.Options)!;
        string experimentId = await ExperimentIdAsync(payload.Experiment, cancellationToken).ConfigureAwait(false);
        var tags = payload.Tags.ToList();
        if (payload.Parent is { } parent)
        {
            MlflowRunLink parentLink = ledger.MlflowRun(parent)
                ?? throw new MlflowException(MlflowFailure.Transient, "the parent run is not in MLflow yet.");
            tags.Add(new MlflowTag("mlflow.parentRunId", parentLink.MlflowRunId));
        }
        MlflowRunInfo? info = null;
        if (pending.Attempts > 0)
        {
            info = await FindRunAsync(experimentId, pending.RunId, cancellationToken).ConfigureAwait(false);
        }
        if (info is null)
        {
            RunResponse created = await MlflowException.Guard("runs/create",
                () => api.CreateRunAsync(new CreateRunRequest(experimentId, payload.RunName, payload.StartTime, tags), cancellationToken),
                cancellationToken).ConfigureAwait(false);
            info = created.Run.Info;
        }
        ledger.LinkMlflowRun(new MlflowRunLink(pending.RunId, info.RunId, experimentId, info.ArtifactUri ?? string.Empty));
    }

    /// <summary>Our run in MLflow, found by the <c>exp.run_id</c> tag it was created with.</summary>
    private async Task<MlflowRunInfo?> FindRunAsync(string experimentId, string runId, CancellationToken cancellationToken)
    {
        SearchRunsResponse found = await MlflowException.Guard("runs/search",
            () => api.SearchRunsAsync(new SearchRunsRequest([experimentId], $"tags.`{RunIdTag}` = '{runId}'", "ALL", 10, []), cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return found.Runs?.FirstOrDefault()?.Info;
    }

    private MlflowRunLink Link(OutboxEvent pending) =>
        ledger.MlflowRun(pending.RunId) ?? throw new MlflowException(MlflowFailure.Transient, "the run is not in MLflow yet.");

    private async Task LogBatchAsync(OutboxEvent pending, CancellationToken cancellationToken)
    {
        MlflowRunLink link = Link(pending);
        if (pending.Attempts > 0 && await DeliveredSequenceAsync(link, cancellationToken).ConfigureAwait(false) >= pending.Id)
        {
            return;
        }
        LogBatchPayload payload = JsonSerializer.Deserialize<LogBatchPayload>(pending.Payload, MlflowJson.Options)!;
        var tags = payload.Tags.Append(new MlflowTag(SequenceTag, pending.Id.ToString(CultureInfo.InvariantCulture))).ToList();
        await MlflowException.Guard("runs/log-batch",
            () => api.LogBatchAsync(new LogBatchRequest(link.MlflowRunId, payload.Metrics, payload.Params, tags), cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<long> DeliveredSequenceAsync(MlflowRunLink link, CancellationToken cancellationToken)
    {
        RunResponse run = await MlflowException.Guard("runs/get", () => api.GetRunAsync(link.MlflowRunId, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        string? value = run.Run.Data?.Tags?.FirstOrDefault(t => t.Key == SequenceTag)?.Value;
        return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long sequence) ? sequence : -1;
    }

    private async Task UploadAsync(OutboxEvent pending, CancellationToken cancellationToken)
    {
        MlflowRunLink link = Link(pending);
        ArtifactRow artifact = JsonSerializer.Deserialize<ArtifactRow>(pending.Payload, MlflowJson.Options)!;
        const string scheme = "mlflow-artifacts:";
        if (!link.ArtifactUri.StartsWith(scheme, StringComparison.Ordinal))
        {
            throw new MlflowException(MlflowFailure.Rejected,
                $"the run's artifact store is `{link.ArtifactUri}`; exp uploads through the server's artifact proxy only (start `mlflow server` with artifact serving, the default).");
        }
        string root = link.ArtifactUri[scheme.Length..].TrimStart('/');
        string target = $"{root}/{artifact.Path}";
        if (pending.Attempts > 0)
        {
            ListArtifactsResponse listing = await MlflowException.Guard("mlflow-artifacts list",
                () => api.ListArtifactsAsync(root, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (listing.Files?.Any(f => !f.IsDir && f.Path.TrimStart('/').EndsWith(artifact.Path, StringComparison.Ordinal) && f.FileSize == artifact.Size) == true)
            {
                return;
            }
        }
        string blob = Path.Combine(storeRoot, "objects", artifact.Digest[..2], artifact.Digest[2..]);
        if (!File.Exists(blob))
        {
            throw new MlflowException(MlflowFailure.Rejected, $"artifact `{artifact.Path}` is no longer in the store (collected by `exp gc`?).");
        }
        byte[] bytes = await File.ReadAllBytesAsync(blob, cancellationToken).ConfigureAwait(false);
        await MlflowException.Guard("mlflow-artifacts upload", () =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            return api.UploadArtifactAsync(target, content, cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task UpdateRunAsync(OutboxEvent pending, CancellationToken cancellationToken)
    {
        MlflowRunLink link = Link(pending);
        UpdateRunPayload payload = JsonSerializer.Deserialize<UpdateRunPayload>(pending.Payload, MlflowJson.Options)!;
        await MlflowException.Guard("runs/update",
            () => api.UpdateRunAsync(new UpdateRunRequest(link.MlflowRunId, payload.Status, payload.EndTime), cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }
}

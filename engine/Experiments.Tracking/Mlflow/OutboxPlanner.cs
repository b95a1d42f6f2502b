using System.Text.Json;
using Experiments.Tracking.Ledger;

namespace Experiments.Tracking.Mlflow;

/// <summary>
/// Turns ledger runs into outbox requests, in the order MLflow must see them: create the run (a
/// child after its parent), its params before its metrics, batches cut to every limit of
/// log-batch, then artifacts, then the final status. Written in one transaction, so a run is
/// either wholly queued or not at all.
/// </summary>
public static class OutboxPlanner
{
    public const string CreateRun = "create_run";
    public const string LogBatch = "log_batch";
    public const string Artifact = "artifact";
    public const string UpdateRun = "update_run";

    /// <summary>Room kept in every batch for the delivery marker tag (see <see cref="OutboxDeliverer"/>).</summary>
    private const int ReservedItems = 1;

    /// <summary>Bytes kept free below the request limit for the run id, the marker and the JSON around items.</summary>
    private const int ReservedBytes = 4096;

    /// <summary>
    /// Queues each run once: a run that already has requests in the outbox is left out, checked in
    /// the writing transaction, so two processes that both find a run to queue (`exp mlflow sync`
    /// and a run that closed a killed one) queue it once.
    /// </summary>
    public static void Queue(RunLedger ledger, IReadOnlyList<string> runIds)
    {
        var plans = runIds.Select(id => Plan(ledger, id)).ToList();
        ledger.Write(w =>
        {
            foreach ((string runId, List<(string Kind, string Payload)> events) in plans)
            {
                if (w.HasOutbox(runId))
                {
                    continue;
                }
                foreach ((string kind, string payload) in events)
                {
                    w.Enqueue(runId, kind, payload);
                }
            }
        });
    }

    /// <summary>Queues the runs that never were (ledger written while MLflow was not configured).</summary>
    public static int QueueUndelivered(RunLedger ledger)
    {
        IReadOnlyList<string> missing = ledger.RunsNeverQueued();
        if (missing.Count > 0)
        {
            Queue(ledger, missing);
        }
        return missing.Count;
    }

    private static (string RunId, List<(string Kind, string Payload)> Events) Plan(RunLedger ledger, string runId)
    {
        LedgerRun run = ledger.TryGetRun(runId) ?? throw new LedgerException($"no run {runId} in the ledger.");
        var events = new List<(string, string)>();
        var tags = new List<MlflowTag>();
        var notes = new List<MlflowTag>();
        foreach ((string key, string value) in ledger.Tags(runId))
        {
            tags.Add(new MlflowTag(MlflowLimits.Key(key), Cut(key, value, MlflowLimits.MaxTagValueLength, notes)));
        }
        tags.Add(new MlflowTag("mlflow.runName", run.Name));
        tags.Add(new MlflowTag("exp.run_id", run.Id));
        events.Add((CreateRun, JsonSerializer.Serialize(new CreateRunPayload(run.Experiment, run.Name, run.Start.ToUnixTimeMilliseconds(), run.ParentId, tags), MlflowJson.Options)));

        var parameters = ledger.Params(runId)
            .Select(p => new MlflowParam(MlflowLimits.Key(p.Key), Cut(p.Key, p.Value, MlflowLimits.MaxParamValueLength, notes)))
            .ToList();
        // The step keys a run used, as tags: enough to find its results in any store.
        var keyTags = ledger.Steps(runId)
            .Where(s => s.Key is not null)
            .Select(s => new MlflowTag(MlflowLimits.Key($"exp.key.{NodeName(s.Node)}"), s.Key!))
            .DistinctBy(t => t.Key)
            .Concat(notes)
            .ToList();
        var metrics = ledger.DeliverableMetrics(runId)
            .Select(m => new MlflowMetric(MlflowLimits.Key(m.Key), m.Value, m.Timestamp, m.Step))
            .ToList();
        foreach (LogBatchPayload batch in Batches(parameters, keyTags, metrics))
        {
            events.Add((LogBatch, JsonSerializer.Serialize(batch, MlflowJson.Options)));
        }
        foreach (ArtifactRow artifact in ledger.Artifacts(runId))
        {
            events.Add((Artifact, JsonSerializer.Serialize(artifact, MlflowJson.Options)));
        }
        events.Add((UpdateRun, JsonSerializer.Serialize(new UpdateRunPayload(run.Status, run.End?.ToUnixTimeMilliseconds()), MlflowJson.Options)));
        return (runId, events);
    }

    /// <summary>Node ids carry their variant (<c>ft[lr=0.1]</c>); inside a variant's run the step name is enough.</summary>
    private static string NodeName(string node) => node.IndexOf('[', StringComparison.Ordinal) is int at and > 0 ? node[..at] : node;

    private static string Cut(string key, string value, int limit, List<MlflowTag> notes)
    {
        string cut = MlflowLimits.Truncate(value, limit, out bool truncated);
        if (truncated)
        {
            notes.Add(new MlflowTag(MlflowLimits.Key($"exp.truncated.{key}"), $"{value.Length} characters, cut to {limit}; the full value is in the exp ledger"));
        }
        return cut;
    }

    /// <summary>Greedy batches under every limit: params first, then tags, then metrics, in order.</summary>
    internal static IEnumerable<LogBatchPayload> Batches(IReadOnlyList<MlflowParam> parameters, IReadOnlyList<MlflowTag> tags, IReadOnlyList<MlflowMetric> metrics)
    {
        var p = new List<MlflowParam>();
        var t = new List<MlflowTag>();
        var m = new List<MlflowMetric>();
        int bytes = 0;

        bool Fits(int itemBytes, int paramCount, int tagCount, int metricCount) =>
            p.Count + paramCount <= MlflowLimits.MaxParamsPerBatch
            && t.Count + tagCount <= MlflowLimits.MaxTagsPerBatch - ReservedItems
            && m.Count + metricCount <= MlflowLimits.MaxMetricsPerBatch
            && p.Count + t.Count + m.Count + 1 <= MlflowLimits.MaxItemsPerBatch - ReservedItems
            && bytes + itemBytes <= MlflowLimits.MaxRequestBytes - ReservedBytes;

        LogBatchPayload Take()
        {
            var batch = new LogBatchPayload([.. m], [.. p], [.. t]);
            p.Clear();
            t.Clear();
            m.Clear();
            bytes = 0;
            return batch;
        }

        // One pass in the order MLflow must see them: params, then tags, then metrics.
        IEnumerable<object> items = parameters.Cast<object>().Concat(tags).Concat(metrics);
        foreach (object item in items)
        {
            int size = JsonSerializer.SerializeToUtf8Bytes(item, item.GetType(), MlflowJson.Options).Length + 1;
            (int paramCount, int tagCount, int metricCount) = item switch
            {
                MlflowParam => (1, 0, 0),
                MlflowTag => (0, 1, 0),
                _ => (0, 0, 1),
            };
            if (!Fits(size, paramCount, tagCount, metricCount))
            {
                yield return Take();
            }
            switch (item)
            {
                case MlflowParam param:
                    p.Add(param);
                    break;
                case MlflowTag tag:
                    t.Add(tag);
                    break;
                default:
                    m.Add((MlflowMetric)item);
                    break;
            }
            bytes += size;
        }
        if (p.Count + t.Count + m.Count > 0)
        {
            yield return Take();
        }
    }
}

public sealed record CreateRunPayload(string Experiment, string RunName, long StartTime, string? Parent, IReadOnlyList<MlflowTag> Tags);

public sealed record LogBatchPayload(IReadOnlyList<MlflowMetric> Metrics, IReadOnlyList<MlflowParam> Params, IReadOnlyList<MlflowTag> Tags);

public sealed record UpdateRunPayload(string Status, long? EndTime);

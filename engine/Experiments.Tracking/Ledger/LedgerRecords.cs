namespace Experiments.Tracking.Ledger;

/// <summary>Run statuses, spelled as MLflow spells them.</summary>
public static class RunStatus
{
    public const string Running = "RUNNING";
    public const string Finished = "FINISHED";
    public const string Failed = "FAILED";
    public const string Killed = "KILLED";
}

/// <summary>A run to create: one per invocation (the parent) and one per sweep variant (children).</summary>
public sealed record NewRun(
    string Experiment,
    string? ParentId,
    string Name,
    string File,
    IReadOnlyList<KeyValuePair<string, string>> Variant,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>The process that keeps it RUNNING; this one unless said otherwise.</summary>
    public RunOwner? Owner { get; init; }
}

/// <summary>One run as the ledger holds it.</summary>
public sealed record LedgerRun(
    string Id,
    string Experiment,
    string? ParentId,
    string Name,
    string Status,
    DateTimeOffset Start,
    DateTimeOffset? End,
    string File,
    IReadOnlyList<KeyValuePair<string, string>> Variant,
    IReadOnlyList<string> Arguments)
{
    /// <summary>The short form tables show; any unique prefix names a run on the command line.</summary>
    public string ShortId => Id[..8];
}

/// <summary>One metric point. Scalar results of a step are points at step 0.</summary>
public sealed record MetricRow(string Key, long Step, long Timestamp, double Value);

public sealed record ArtifactRow(string Path, string Digest, long Size);

/// <summary>
/// A node a run used: its key and whether it ran or was found in the cache; for a cache hit,
/// <see cref="OriginRunId"/> is the run that computed it (null when it predates the ledger).
/// </summary>
public sealed record RunStepRow(string Node, string? Key, string Status, string? OriginRunId, IReadOnlyList<KeyValuePair<string, string>> Variant);

/// <summary>What a step key cost and produced (its scalar results): recorded once per key, against the run that computed it.</summary>
public sealed record StepWorkRecord(string Key, string Node, string Kind, double Seconds, DateTimeOffset Created, IReadOnlyDictionary<string, double> Metrics);

/// <summary>A node an invocation used: its id, key (null when it never got one), status and sweep assignment.</summary>
public sealed record NodeRecord(string Node, string? Key, string Status, IReadOnlyList<KeyValuePair<string, string>> Variant)
{
    /// <summary>The step name (the node id without its variant).</summary>
    public string StepName => Node.IndexOf('[', StringComparison.Ordinal) is int at and > 0 ? Node[..at] : Node;
}

/// <summary>Everything about one run.</summary>
public sealed record RunDetails(
    LedgerRun Run,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<ArtifactRow> Artifacts,
    IReadOnlyList<RunStepRow> Steps,
    IReadOnlyList<LedgerRun> Children);

/// <summary>One pending MLflow request in the outbox.</summary>
public sealed record OutboxEvent(long Id, string RunId, string Kind, string Payload, int Attempts);

using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Spec;
using Experiments.Engine.Store;
using Experiments.Tracking.Ledger;
using Experiments.Tracking.Mlflow;

namespace Experiments.Tracking.Tracking;

/// <summary>
/// Records one invocation in the ledger: a parent run, one child per sweep variant (when there is
/// more than one), params, git tags, live metric series, the step keys used (a cache hit links to
/// the run that computed it) and each step's scalar results. With MLflow configured, the same
/// transaction that closes the run queues its requests in the outbox.
/// </summary>
public sealed class RunTracker : IStepMetricSinks, IDisposable
{
    private readonly RunLedger _ledger;
    private readonly ContentStore _store;
    private readonly StepGraph _graph;
    private readonly TrackingContext _context;
    private readonly LiveMetricBuffer _live;
    private readonly string[] _childIds;
    private readonly Dictionary<StepNode, string[]> _owners = [];
    private readonly ConcurrentDictionary<string, bool> _liveKeys = new(StringComparer.Ordinal);

    private RunTracker(RunLedger ledger, ContentStore store, StepGraph graph, TrackingContext context, string parentId, string[] childIds)
    {
        _ledger = ledger;
        _store = store;
        _graph = graph;
        _context = context;
        ParentId = parentId;
        _childIds = childIds;
        _live = new LiveMetricBuffer(ledger);
        var projections = new Dictionary<string, Dictionary<string, List<string>>>(StringComparer.Ordinal);
        foreach (StepNode node in graph.Nodes)
        {
            _owners[node] = OwnersOf(node, projections);
        }
    }

    /// <summary>The invocation's run.</summary>
    public string ParentId { get; }

    public IReadOnlyList<string> ChildIds => _childIds;

    public static RunTracker Start(RunLedger ledger, ContentStore store, StepGraph graph, TrackingContext context)
    {
        IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> variants = graph.Variants;
        (string parent, string[] children) = ledger.Write(w =>
        {
            string source = context.Git is { } git ? git.Relative(graph.Spec.File) : Path.GetFullPath(graph.Spec.File);
            Dictionary<string, string> tags = BaseTags(context, source);
            if (variants.Count > context.MaxChildRuns)
            {
                // A sweep of thousands is a stress test, not a comparison anyone reads run by run.
                tags["exp.variants"] = $"{variants.Count} (more than {context.MaxChildRuns}: recorded as one run without a child per variant)";
            }
            string parent = w.StartRun(new NewRun(
                graph.ExperimentName, null, RunName(graph.ExperimentName, w.NowMs), source, [], context.Overrides,
                ExperimentParams(graph, context.Overrides), tags));
            string[] children = variants.Count > 1 && variants.Count <= context.MaxChildRuns
                ? w.StartChildren(parent, graph.ExperimentName, source, context.Overrides,
                    variants.Select(v => (string.Join(",", v.Select(p => $"{p.Key}={p.Value}")), v)).ToArray())
                : [];
            return (parent, children);
        });
        return new RunTracker(ledger, store, graph, context, parent, children);
    }

    private static string RunName(string experiment, long nowMs) =>
        $"{experiment}-{DateTimeOffset.FromUnixTimeMilliseconds(nowMs).UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";

    private static Dictionary<string, string> BaseTags(TrackingContext context, string source)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mlflow.user"] = context.User,
            ["mlflow.source.type"] = "LOCAL",
            ["mlflow.source.name"] = source,
        };
        if (context.Git is { } git)
        {
            tags["mlflow.source.git.commit"] = git.Commit;
            if (git.Branch is not null)
            {
                tags["mlflow.source.git.branch"] = git.Branch;
            }
            if (git.RemoteUrl is not null)
            {
                tags["mlflow.source.git.repoURL"] = git.RemoteUrl;
            }
            tags["exp.git.dirty"] = git.Dirty ? "true" : "false";
        }
        else
        {
            tags["exp.git"] = "none";
        }
        return tags;
    }

    /// <summary>The experiment's params as run: each <c>param</c> with its value after <c>-p</c> overrides (swept ones are the children's).</summary>
    private static Dictionary<string, string> ExperimentParams(StepGraph graph, IReadOnlyList<string> overrides)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ParamStatement param in graph.Spec.Params)
        {
            if (Display(param.Value) is { } text)
            {
                values[param.Name] = text;
            }
        }
        foreach (string @override in overrides)
        {
            int equals = @override.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[@override[..equals].Trim()] = @override[(equals + 1)..].Trim();
            }
        }
        // A swept param is a child's param, not the parent's.
        foreach (SweepDimension dimension in graph.Dimensions)
        {
            values.Remove(dimension.Name);
        }
        return values;
    }

    private static string? Display(SpecValue value) => value switch
    {
        NumberValue n => n.Text,
        StringValue s => s.Value,
        BoolValue b => b.Value ? "true" : "false",
        _ => null,
    };

    /// <summary>
    /// A node shared by every variant belongs to the parent; otherwise to each child it is part of.
    /// Variants are grouped once per set of dimensions a node depends on, so this stays linear in
    /// nodes plus variants for sweeps of thousands.
    /// </summary>
    private string[] OwnersOf(StepNode node, Dictionary<string, Dictionary<string, List<string>>> projections)
    {
        if (_childIds.Length == 0 || node.Variant.Count == 0)
        {
            return [ParentId];
        }
        string dimensions = string.Join("\u0001", node.Variant.Select(v => v.Key));
        if (!projections.TryGetValue(dimensions, out Dictionary<string, List<string>>? byAssignment))
        {
            string[] names = [.. node.Variant.Select(v => v.Key)];
            byAssignment = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            for (int i = 0; i < _childIds.Length; i++)
            {
                IReadOnlyList<KeyValuePair<string, string>> variant = _graph.Variants[i];
                string key = string.Join("\u0001", names.Select(n => variant.FirstOrDefault(v => v.Key == n).Value));
                (byAssignment.TryGetValue(key, out List<string>? list) ? list : byAssignment[key] = []).Add(_childIds[i]);
            }
            projections[dimensions] = byAssignment;
        }
        return byAssignment.TryGetValue(string.Join("\u0001", node.Variant.Select(v => v.Value)), out List<string>? owners) ? [.. owners] : [ParentId];
    }

    public IMetricSink? ForStep(StepNode node, string key) =>
        new LiveMetricBuffer.StepSink(_live, _owners[node], node.Name + ".", () => _liveKeys.TryAdd(key, true));

    /// <summary>
    /// Closes the runs: the nodes each used (with their keys), the scalar results, series the live
    /// sink did not see (a step executed in another process), git's diff and the final status.
    /// </summary>
    public void Complete(RunSummary summary)
    {
        _live.Flush();
        List<(string Run, MetricRow Row)> imported = ImportSeriesFiles(summary);
        using IDisposable? holding = _context.Git is { Dirty: true } ? HoldStore() : null;
        ArtifactRow? diff = StoreDiff();
        NodeRecord[] nodes = summary.Outcomes
            .Select(o => new NodeRecord(o.Node.Id, o.Key, StatusName(o.Status), o.Node.Variant))
            .ToArray();
        string digest = RunLedger.NodesDigest(nodes);
        (string? previousDigest, Func<HashSet<string>> previousKeys) = _ledger.LatestInvocation(_graph.ExperimentName, ParentId);
        // The same list as last time: every key already has its work record.
        bool allKnown = previousDigest == digest && summary.Outcomes.All(o => o.Status != NodeStatus.Ran);
        HashSet<string> known = allKnown ? [] : previousKeys();
        var childStatus = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string child in _childIds)
        {
            childStatus[child] = RunStatus.Finished;
        }
        foreach (NodeOutcome outcome in summary.Outcomes.Where(o => !o.Succeeded))
        {
            foreach (string owner in _owners[outcome.Node].Where(childStatus.ContainsKey))
            {
                childStatus[owner] = Worse(childStatus[owner], StatusOf(outcome.Status));
            }
        }
        _ledger.Write(w =>
        {
            foreach (var group in imported.GroupBy(p => p.Run))
            {
                w.LogMetrics(group.Key, group.Select(p => p.Row));
            }
            w.RecordNodes(ParentId, nodes, digest);
            foreach (NodeOutcome outcome in allKnown ? [] : summary.Outcomes)
            {
                // One work record per key: against the run that computed it, or none for a result
                // cached before the ledger knew it.
                if (outcome.Entry is { } entry && known.Add(entry.Key))
                {
                    w.RecordWork(new StepWorkRecord(entry.Key, outcome.Node.Id, entry.Kind, entry.Seconds, entry.Created, entry.Metrics),
                        outcome.Status == NodeStatus.Ran ? _owners[outcome.Node][0] : null);
                }
            }
            if (diff is not null)
            {
                w.AddArtifact(ParentId, diff);
            }
            foreach (var group in childStatus.GroupBy(c => c.Value))
            {
                w.FinishRuns([.. group.Select(c => c.Key)], group.Key);
            }
            w.FinishRun(ParentId, summary.Outcomes.Where(o => !o.Succeeded).Select(o => StatusOf(o.Status)).Aggregate(RunStatus.Finished, Worse));
        });
    }

    private static string StatusName(NodeStatus status) => status switch
    {
        NodeStatus.Ran => "ran",
        NodeStatus.Cached => "cached",
        NodeStatus.Failed => "failed",
        NodeStatus.Skipped => "skipped",
        NodeStatus.Cancelled => "cancelled",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string StatusOf(NodeStatus status) => status switch
    {
        NodeStatus.Ran or NodeStatus.Cached => RunStatus.Finished,
        NodeStatus.Cancelled => RunStatus.Killed,
        _ => RunStatus.Failed,
    };

    /// <summary>FAILED outranks KILLED outranks FINISHED.</summary>
    private static string Worse(string a, string b) =>
        a == RunStatus.Failed || b == RunStatus.Failed ? RunStatus.Failed
        : a == RunStatus.Killed || b == RunStatus.Killed ? RunStatus.Killed
        : RunStatus.Finished;

    /// <summary>
    /// Queues every run of this invocation for MLflow (children after their parent). Called after
    /// <see cref="Complete"/> and after gates added their tags and summary.
    /// </summary>
    public void QueueForMlflow()
    {
        if (_context.QueueForMlflow)
        {
            OutboxPlanner.Queue(_ledger, [ParentId, .. _childIds]);
        }
    }

    /// <summary>Adds a small artifact (a gate summary) to the invocation's run; its bytes go to the CAS.</summary>
    public void AddArtifact(string path, byte[] bytes)
    {
        using IDisposable holding = HoldStore();
        ArtifactRow row = IngestBytes(path, bytes);
        _ledger.Write(w => w.AddArtifact(ParentId, row));
    }

    /// <summary>
    /// Holds the store as a run does (the scheduler has let go by now) from a blob's ingest until the
    /// ledger row naming it is committed: `exp gc` keeps the ledger's artifacts, but in between the
    /// blob is referenced by nothing it can see.
    /// </summary>
    private IDisposable HoldStore() => StoreLocks.AcquireSharedAsync(_store, null, CancellationToken.None).GetAwaiter().GetResult();

    public void SetTags(IReadOnlyDictionary<string, string> tags) => _ledger.Write(w => w.SetTags(ParentId, tags));

    private ArtifactRow? StoreDiff() =>
        _context.Git is { Dirty: true } git ? IngestBytes("git.diff", Encoding.UTF8.GetBytes(git.Diff)) : null;

    private ArtifactRow IngestBytes(string path, byte[] bytes)
    {
        string temp = Path.Combine(_store.Temp, $"artifact-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_store.Temp);
        File.WriteAllBytes(temp, bytes);
        (string digest, long size) = _store.Ingest(temp);
        return new ArtifactRow(path, digest, size);
    }

    /// <summary>Series of steps that ran elsewhere (another process, a cluster node) are read from the store.</summary>
    private List<(string Run, MetricRow Row)> ImportSeriesFiles(RunSummary summary)
    {
        var rows = new List<(string, MetricRow)>();
        foreach (NodeOutcome outcome in summary.Outcomes)
        {
            if (outcome.Status != NodeStatus.Ran || outcome.Key is not { } key || _liveKeys.ContainsKey(key))
            {
                continue;
            }
            string path = _store.SeriesPath(key);
            if (!File.Exists(path))
            {
                continue;
            }
            foreach (string line in File.ReadLines(path))
            {
                if (ParseSeriesLine(line) is { } point)
                {
                    MetricRow row = point with { Key = $"{outcome.Node.Name}.{point.Key}" };
                    rows.AddRange(_owners[outcome.Node].Select(run => (run, row)));
                }
            }
        }
        return rows;
    }

    internal static MetricRow? ParseSeriesLine(string line)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            JsonElement value = root.GetProperty("value");
            double number = value.ValueKind == JsonValueKind.String
                ? double.Parse(value.GetString()!, CultureInfo.InvariantCulture)
                : value.GetDouble();
            return new MetricRow(root.GetProperty("name").GetString()!, root.GetProperty("step").GetInt64(), root.GetProperty("timestamp").GetInt64(), number);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            // A torn last line of a crashed step: the points before it still count.
            return null;
        }
    }

    public void Dispose() => _live.Dispose();
}

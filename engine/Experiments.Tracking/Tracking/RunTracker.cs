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
        foreach (StepNode node in graph.Nodes)
        {
            _owners[node] = OwnersOf(node);
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
            string parent = w.StartRun(new NewRun(
                graph.ExperimentName, null, RunName(graph.ExperimentName, w.NowMs), source, [], context.Overrides,
                ExperimentParams(graph, context.Overrides), BaseTags(context, source)));
            var children = new string[variants.Count > 1 ? variants.Count : 0];
            for (int i = 0; i < children.Length; i++)
            {
                IReadOnlyList<KeyValuePair<string, string>> variant = variants[i];
                string label = string.Join(",", variant.Select(v => $"{v.Key}={v.Value}"));
                children[i] = w.StartRun(new NewRun(
                    graph.ExperimentName, parent, label, source, variant, context.Overrides,
                    variant.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal), BaseTags(context, source)));
            }
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

    /// <summary>A node shared by every variant belongs to the parent; otherwise to each child it is part of.</summary>
    private string[] OwnersOf(StepNode node)
    {
        if (_childIds.Length == 0 || node.Variant.Count == 0)
        {
            return [ParentId];
        }
        var owners = new List<string>();
        for (int i = 0; i < _childIds.Length; i++)
        {
            if (StepGraph.BelongsTo(node, _graph.Variants[i]))
            {
                owners.Add(_childIds[i]);
            }
        }
        return owners.Count == 0 ? [ParentId] : [.. owners];
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
        ArtifactRow? diff = StoreDiff();
        long now = _ledger.NowMs;
        _ledger.Write(w =>
        {
            foreach (var group in imported.GroupBy(p => p.Run))
            {
                w.LogMetrics(group.Key, group.Select(p => p.Row));
            }
            var results = new Dictionary<string, List<MetricRow>>(StringComparer.Ordinal);
            foreach (NodeOutcome outcome in summary.Outcomes)
            {
                string[] owners = _owners[outcome.Node];
                string status = outcome.Status.ToString().ToLowerInvariant();
                StepWork? work = outcome.Status == NodeStatus.Ran && outcome.Entry is { } ran
                    ? new StepWork(ran.Key, outcome.Node.Id, ran.Kind, ran.Seconds, ran.Created)
                    : null;
                foreach (string owner in owners)
                {
                    // The work is recorded once, against the first owner; the others link to it by key.
                    w.RecordStep(owner, outcome.Node.Id, outcome.Key, status, owner == owners[0] ? work : null);
                    if (outcome.Entry is { } entry)
                    {
                        List<MetricRow> rows = results.TryGetValue(owner, out List<MetricRow>? list) ? list : results[owner] = [];
                        rows.AddRange(entry.Metrics.Select(m => new MetricRow($"{outcome.Node.Name}.{m.Key}", 0, now, m.Value)));
                    }
                }
            }
            foreach ((string run, List<MetricRow> rows) in results)
            {
                w.LogMetrics(run, rows);
            }
            if (diff is not null)
            {
                w.AddArtifact(ParentId, diff);
            }
            for (int i = 0; i < _childIds.Length; i++)
            {
                w.FinishRun(_childIds[i], StatusOf(summary.Outcomes.Where(o => StepGraph.BelongsTo(o.Node, _graph.Variants[i]))));
            }
            w.FinishRun(ParentId, StatusOf(summary.Outcomes));
        });
    }

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
        ArtifactRow row = IngestBytes(path, bytes);
        _ledger.Write(w => w.AddArtifact(ParentId, row));
    }

    public void SetTags(IReadOnlyDictionary<string, string> tags) => _ledger.Write(w => w.SetTags(ParentId, tags));

    private static string StatusOf(IEnumerable<NodeOutcome> outcomes)
    {
        NodeOutcome[] all = outcomes.ToArray();
        return all.Any(o => o.Status == NodeStatus.Failed) ? RunStatus.Failed
            : all.Any(o => o.Status == NodeStatus.Cancelled) ? RunStatus.Killed
            : all.All(o => o.Succeeded) ? RunStatus.Finished
            : RunStatus.Failed;
    }

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

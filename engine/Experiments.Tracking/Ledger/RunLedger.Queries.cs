using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Experiments.Tracking.Ledger;

public sealed partial class RunLedger
{
    private const string RunColumns =
        "r.id, e.name, r.parent_id, r.name, r.status, r.start_time, r.end_time, r.file, r.variant, r.arguments";

    private static LedgerRun ReadRun(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        reader.GetString(7),
        PairsFromJson(reader.GetString(8)),
        JsonSerializer.Deserialize<string[]>(reader.GetString(9))!);

    private List<LedgerRun> Runs(string where, params (string Name, object? Value)[] parameters) => Read(connection =>
    {
        using SqliteCommand command = Command(connection,
            $"SELECT {RunColumns} FROM runs r JOIN experiments e ON e.id = r.experiment_id {where}", parameters);
        using SqliteDataReader reader = command.ExecuteReader();
        var runs = new List<LedgerRun>();
        while (reader.Read())
        {
            runs.Add(ReadRun(reader));
        }
        return runs;
    });

    /// <summary>Top-level runs (invocations), newest first; optionally of one experiment.</summary>
    public IReadOnlyList<LedgerRun> ListRuns(string? experiment = null, bool includeChildren = false, int limit = 1000) =>
        Runs(
            $"WHERE ($e IS NULL OR e.name = $e) {(includeChildren ? "" : "AND r.parent_id IS NULL")} ORDER BY r.start_time DESC, r.rowid DESC LIMIT $l",
            ("$e", experiment), ("$l", limit));

    public IReadOnlyList<LedgerRun> Children(string runId) =>
        Runs("WHERE r.parent_id = $p ORDER BY r.rowid", ("$p", runId));

    public LedgerRun? TryGetRun(string runId) => Runs("WHERE r.id = $id", ("$id", runId)).FirstOrDefault();

    /// <summary>
    /// The run a command-line id names: a full id or a unique prefix, or <c>latest</c> (the newest
    /// invocation). Null when none matches; an ambiguous prefix is an error that lists the matches.
    /// </summary>
    public LedgerRun? FindRun(string idOrPrefix, string? experiment = null)
    {
        if (string.Equals(idOrPrefix, "latest", StringComparison.OrdinalIgnoreCase))
        {
            return ListRuns(experiment, limit: 1).FirstOrDefault();
        }
        List<LedgerRun> matches = Runs("WHERE r.id LIKE $p ESCAPE '\\' ORDER BY r.start_time DESC LIMIT 6",
            ("$p", idOrPrefix.ToLowerInvariant().Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%"));
        if (matches.Count > 1)
        {
            throw new LedgerException(
                $"run id `{idOrPrefix}` is ambiguous: it starts {string.Join(", ", matches.Take(5).Select(m => m.Id[..12]))}; give more digits.");
        }
        return matches.FirstOrDefault();
    }

    private Dictionary<string, string> Pairs(string table, string runId) => Read(connection =>
    {
        using SqliteCommand command = Command(connection, $"SELECT key, value FROM {table} WHERE run_id = $r ORDER BY key", ("$r", runId));
        using SqliteDataReader reader = command.ExecuteReader();
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            pairs[reader.GetString(0)] = reader.GetString(1);
        }
        return pairs;
    });

    /// <summary>A run's params; a variant's are its sweep assignment.</summary>
    public IReadOnlyDictionary<string, string> Params(string runId)
    {
        Dictionary<string, string> parameters = Pairs("params", runId);
        if (TryGetRun(runId) is { ParentId: not null } child)
        {
            foreach ((string dimension, string label) in child.Variant)
            {
                parameters.TryAdd(dimension, label);
            }
        }
        return parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    /// <summary>A run's tags; a variant carries its parent's (git, source, user) under its own.</summary>
    public IReadOnlyDictionary<string, string> Tags(string runId)
    {
        Dictionary<string, string> tags = Pairs("tags", runId);
        if (TryGetRun(runId) is { ParentId: { } parent })
        {
            foreach ((string key, string value) in Pairs("tags", parent))
            {
                if (!key.StartsWith("exp.gates", StringComparison.Ordinal))
                {
                    tags.TryAdd(key, value);
                }
            }
        }
        return tags.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    /// <summary>Every point of a run's metrics, in the order they were logged.</summary>
    public IReadOnlyList<MetricRow> MetricHistory(string runId) => Read(connection =>
    {
        using SqliteCommand command = Command(connection,
            "SELECT key, step, timestamp, value, special FROM metrics WHERE run_id = $r ORDER BY rowid", ("$r", runId));
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<MetricRow>();
        while (reader.Read())
        {
            double value = reader.IsDBNull(3)
                ? reader.GetString(4) switch { "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity, _ => double.NaN }
                : reader.GetDouble(3);
            rows.Add(new MetricRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), value));
        }
        return rows;
    });

    /// <summary>
    /// Each metric's value for this run: a step's scalar result where it has one (its summary, the
    /// same whether this run computed the step or found it cached), else the last point (highest
    /// step, then last logged) of a series the run's steps reported.
    /// </summary>
    public IReadOnlyDictionary<string, double> LatestMetrics(string runId)
    {
        var latest = new Dictionary<string, (long Step, double Value)>(StringComparer.Ordinal);
        foreach (MetricRow row in MetricHistory(runId))
        {
            if (!latest.TryGetValue(row.Key, out var seen) || row.Step >= seen.Step)
            {
                latest[row.Key] = (row.Step, row.Value);
            }
        }
        foreach ((string key, double value) in StepResults(runId))
        {
            // A series of the same name (learning_rate per step) is history; the result is the summary.
            latest[key] = (long.MaxValue, value);
        }
        return latest.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal);
    }

    public IReadOnlyList<ArtifactRow> Artifacts(string runId) => Read(connection =>
    {
        using SqliteCommand command = Command(connection, "SELECT path, digest, size FROM artifacts WHERE run_id = $r ORDER BY path", ("$r", runId));
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<ArtifactRow>();
        while (reader.Read())
        {
            rows.Add(new ArtifactRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }
        return rows;
    });

    /// <summary>
    /// The nodes a run used, each with the run that computed its key. An invocation used all its
    /// nodes; a variant's run the ones of its variant.
    /// </summary>
    public IReadOnlyList<RunStepRow> Steps(string runId) =>
        OwnNodes(runId, ownedOnly: false).Select(n => new RunStepRow(n.Node.Node, n.Node.Key, n.Node.Status, n.Origin, n.Node.Variant)).ToList();

    /// <summary>
    /// The nodes of a run with their work record. <paramref name="ownedOnly"/>: only those whose
    /// results belong to this run (a node shared by every variant belongs to the parent).
    /// </summary>
    private List<(NodeRecord Node, string? Origin, string? Metrics)> OwnNodes(string runId, bool ownedOnly)
    {
        LedgerRun? run = TryGetRun(runId);
        if (run is null)
        {
            return [];
        }
        string owner = run.ParentId ?? run.Id;
        List<NodeRecord> nodes = Read(connection =>
        {
            using SqliteCommand command = Command(connection,
                "SELECT l.nodes FROM run_nodes r JOIN node_lists l ON l.digest = r.digest WHERE r.run_id = $r", ("$r", owner));
            return command.ExecuteScalar() is string json ? NodesFromJson(json) : [];
        });
        bool hasChildren = run.ParentId is null && Children(run.Id).Count > 0;
        IEnumerable<NodeRecord> selected = nodes;
        if (run.ParentId is not null)
        {
            selected = nodes.Where(n => (!ownedOnly || n.Variant.Count > 0) && n.Variant.All(run.Variant.Contains));
        }
        else if (ownedOnly && hasChildren)
        {
            selected = nodes.Where(n => n.Variant.Count == 0);
        }
        var result = selected.ToList();
        Dictionary<string, (string? Origin, string Metrics)> work = Work(result.Where(n => n.Key is not null).Select(n => n.Key!).Distinct().ToList());
        return result.Select(n => (n, n.Key is not null && work.TryGetValue(n.Key, out var w) ? w.Origin : null,
            n.Key is not null && work.TryGetValue(n.Key, out var m) ? m.Metrics : null)).ToList();
    }

    private Dictionary<string, (string? Origin, string Metrics)> Work(IReadOnlyList<string> keys) => Read(connection =>
    {
        var work = new Dictionary<string, (string?, string)>(StringComparer.Ordinal);
        for (int start = 0; start < keys.Count; start += 500)
        {
            string[] chunk = keys.Skip(start).Take(500).ToArray();
            using SqliteCommand command = Command(connection,
                $"SELECT key, run_id, metrics FROM steps WHERE key IN ({string.Join(", ", chunk.Select((_, i) => $"$k{i}"))})",
                chunk.Select((k, i) => ($"$k{i}", (object?)k)).ToArray());
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                work[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2));
            }
        }
        return work;
    });

    /// <summary>
    /// The node list of the latest recorded invocation of <paramref name="experiment"/> (other than
    /// <paramref name="except"/>): its digest, and its keys on demand. Every key in it has its work
    /// record, so a repeated run records only new keys without probing the table key by key, and an
    /// identical list (a repeated all-cached run) is not even parsed.
    /// </summary>
    public (string? Digest, Func<HashSet<string>> Keys) LatestInvocation(string experiment, string except)
    {
        string? digest = Read(connection =>
        {
            using SqliteCommand command = Command(connection, """
                SELECT n.digest FROM runs r JOIN experiments e ON e.id = r.experiment_id
                JOIN run_nodes n ON n.run_id = r.id
                WHERE e.name = $e AND r.parent_id IS NULL AND r.id <> $x
                ORDER BY r.start_time DESC, r.rowid DESC LIMIT 1
                """, ("$e", experiment), ("$x", except));
            return command.ExecuteScalar() as string;
        });
        return (digest, () =>
        {
            string? json = digest is null ? null : Read(connection =>
            {
                using SqliteCommand command = Command(connection, "SELECT nodes FROM node_lists WHERE digest = $d", ("$d", digest));
                return command.ExecuteScalar() as string;
            });
            return json is null
                ? new HashSet<string>(StringComparer.Ordinal)
                : NodesFromJson(json).Where(n => n.Key is not null && n.Status is "ran" or "cached").Select(n => n.Key!).ToHashSet(StringComparer.Ordinal);
        });
    }

    /// <summary>
    /// What MLflow receives as a run's metrics: its series points, then the scalar results of the
    /// steps it owns (<c>step.metric</c>, stamped with the run's end, at step 0 or at the last step
    /// of a series of the same name).
    /// </summary>
    public IReadOnlyList<MetricRow> DeliverableMetrics(string runId)
    {
        var rows = new List<MetricRow>(MetricHistory(runId));
        // A result named like a series goes at the series' last step with the run's end time, so
        // MLflow's latest value (highest step, then newest) is the result, as in `exp show`.
        var lastStep = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (MetricRow row in rows)
        {
            lastStep[row.Key] = Math.Max(row.Step, lastStep.GetValueOrDefault(row.Key));
        }
        LedgerRun? run = TryGetRun(runId);
        long stamp = (run?.End ?? run?.Start ?? DateTimeOffset.UnixEpoch).ToUnixTimeMilliseconds();
        foreach ((string key, double value) in StepResults(runId))
        {
            rows.Add(new MetricRow(key, lastStep.GetValueOrDefault(key), stamp, value));
        }
        return rows;
    }

    /// <summary>The scalar results of the steps a run owns, as <c>step.metric</c>, each step's in name order.</summary>
    private IEnumerable<(string Key, double Value)> StepResults(string runId) =>
        OwnNodes(runId, ownedOnly: true)
            .Where(n => n.Metrics is not null)
            .SelectMany(n => MetricsFromJson(n.Metrics!)
                .OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => ($"{n.Node.StepName}.{m.Key}", m.Value)));

    /// <summary>How many times a key was computed (one work record per key, however often it is reused).</summary>
    public int WorkRecords(string key) => Read(connection =>
    {
        using SqliteCommand command = Command(connection, "SELECT COUNT(*) FROM steps WHERE key = $k", ("$k", key));
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    });

    public RunDetails Details(LedgerRun run) => new(
        run, Params(run.Id), Tags(run.Id), LatestMetrics(run.Id), Artifacts(run.Id), Steps(run.Id), Children(run.Id));
}

using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Experiments.Tracking.Ledger;

/// <summary>The writes of one ledger transaction (see <see cref="RunLedger.Write{T}"/>).</summary>
public sealed partial class LedgerWriter
{
    private readonly RunLedger _ledger;
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    internal LedgerWriter(RunLedger ledger, SqliteConnection connection, SqliteTransaction transaction)
    {
        _ledger = ledger;
        _connection = connection;
        _transaction = transaction;
    }

    public long NowMs => _ledger.NowMs;

    internal int Exec(string sql, params (string Name, object? Value)[] parameters) => Run(sql, parameters);

    private int Run(string sql, params (string Name, object? Value)[] parameters)
    {
        using SqliteCommand command = RunLedger.Command(_connection, sql, parameters);
        command.Transaction = _transaction;
        return command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using SqliteCommand command = RunLedger.Command(_connection, sql, parameters);
        command.Transaction = _transaction;
        return command.ExecuteScalar();
    }

    public long EnsureExperiment(string name)
    {
        Run("INSERT OR IGNORE INTO experiments(name, created) VALUES ($n, $t)", ("$n", name), ("$t", NowMs));
        return (long)Scalar("SELECT id FROM experiments WHERE name = $n", ("$n", name))!;
    }

    /// <summary>Creates a run with its params and tags; returns its id (32 hex digits, as MLflow's).</summary>
    public string StartRun(NewRun run)
    {
        string id = Guid.NewGuid().ToString("N");
        long experiment = EnsureExperiment(run.Experiment);
        RunOwner owner = run.Owner ?? RunOwner.Current;
        Run("""
            INSERT INTO runs(id, experiment_id, parent_id, name, status, start_time, file, variant, arguments, host, pid, process_start, boot_id)
            VALUES ($id, $e, $p, $n, $s, $t, $f, $v, $a, $host, $pid, $ps, $boot)
            """,
            ("$id", id), ("$e", experiment), ("$p", run.ParentId), ("$n", run.Name), ("$s", RunStatus.Running),
            ("$t", NowMs), ("$f", run.File), ("$v", RunLedger.ToJson(run.Variant)), ("$a", JsonSerializer.Serialize(run.Arguments)),
            ("$host", owner.Host), ("$pid", owner.Pid), ("$ps", owner.StartTime), ("$boot", owner.BootId));
        SetParams(id, run.Params);
        SetTags(id, run.Tags);
        return id;
    }

    public void SetParams(string runId, IReadOnlyDictionary<string, string> parameters)
    {
        foreach ((string key, string value) in parameters)
        {
            Run("INSERT OR REPLACE INTO params(run_id, key, value) VALUES ($r, $k, $v)", ("$r", runId), ("$k", key), ("$v", value));
        }
    }

    public void SetTags(string runId, IReadOnlyDictionary<string, string> tags)
    {
        foreach ((string key, string value) in tags)
        {
            Run("INSERT OR REPLACE INTO tags(run_id, key, value) VALUES ($r, $k, $v)", ("$r", runId), ("$k", key), ("$v", value));
        }
    }

    public void LogMetrics(string runId, IEnumerable<MetricRow> points)
    {
        using SqliteCommand command = RunLedger.Command(_connection,
            "INSERT INTO metrics(run_id, key, step, timestamp, value, special) VALUES ($r, $k, $s, $t, $v, $x)",
            ("$r", runId), ("$k", ""), ("$s", 0L), ("$t", 0L), ("$v", null), ("$x", null));
        command.Transaction = _transaction;
        foreach (MetricRow point in points)
        {
            command.Parameters["$k"].Value = point.Key;
            command.Parameters["$s"].Value = point.Step;
            command.Parameters["$t"].Value = point.Timestamp;
            // SQLite stores NaN as NULL; keep the spelling MLflow uses instead.
            bool finite = double.IsFinite(point.Value);
            command.Parameters["$v"].Value = finite ? point.Value : DBNull.Value;
            command.Parameters["$x"].Value = finite ? DBNull.Value : MlflowNumber(point.Value);
            command.ExecuteNonQuery();
        }
    }

    internal static string MlflowNumber(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "Infinity" : "-Infinity";

    public void AddArtifact(string runId, ArtifactRow artifact) =>
        Run("INSERT OR REPLACE INTO artifacts(run_id, path, digest, size) VALUES ($r, $p, $d, $s)",
            ("$r", runId), ("$p", artifact.Path), ("$d", artifact.Digest), ("$s", artifact.Size));

    /// <summary>
    /// Creates one child run per variant with a few multi-row statements (a sweep may have
    /// thousands); a child's params are its variant, its tags its parent's.
    /// </summary>
    public string[] StartChildren(string parentId, string experiment, string file, IReadOnlyList<string> arguments,
        IReadOnlyList<(string Name, IReadOnlyList<KeyValuePair<string, string>> Variant)> children, RunOwner? owner = null)
    {
        owner ??= RunOwner.Current;
        long experimentId = EnsureExperiment(experiment);
        string[] ids = children.Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        string argumentsJson = JsonSerializer.Serialize(arguments);
        long now = NowMs;
        const int chunk = 200;
        for (int start = 0; start < ids.Length; start += chunk)
        {
            int count = Math.Min(chunk, ids.Length - start);
            var sql = new System.Text.StringBuilder(
                "INSERT INTO runs(id, experiment_id, parent_id, name, status, start_time, file, variant, arguments, host, pid, process_start, boot_id) VALUES ");
            var parameters = new List<(string, object?)>
            {
                ("$e", experimentId), ("$p", parentId), ("$s", RunStatus.Running), ("$t", now), ("$f", file), ("$a", argumentsJson),
                ("$host", owner.Host), ("$pid", owner.Pid), ("$ps", owner.StartTime), ("$boot", owner.BootId),
            };
            for (int i = 0; i < count; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append($"($id{i}, $e, $p, $n{i}, $s, $t, $f, $v{i}, $a, $host, $pid, $ps, $boot)");
                parameters.Add(($"$id{i}", ids[start + i]));
                parameters.Add(($"$n{i}", children[start + i].Name));
                parameters.Add(($"$v{i}", RunLedger.ToJson(children[start + i].Variant)));
            }
            Run(sql.ToString(), [.. parameters]);
        }
        return ids;
    }

    /// <summary>The nodes an invocation used (its children select theirs by variant).</summary>
    public void RecordNodes(string runId, IReadOnlyList<NodeRecord> nodes, string digest)
    {
        if (Scalar("SELECT 1 FROM node_lists WHERE digest = $d", ("$d", digest)) is null)
        {
            Run("INSERT INTO node_lists(digest, nodes) VALUES ($d, $n)", ("$d", digest), ("$n", RunLedger.NodesToJson(nodes)));
        }
        Run("INSERT OR REPLACE INTO run_nodes(run_id, digest) VALUES ($r, $d)", ("$r", runId), ("$d", digest));
    }

    /// <summary>
    /// Records a step key's work and scalar results once: against <paramref name="runId"/> when it
    /// ran there, with no run when it was found in a cache the ledger never saw computed. A key
    /// already recorded keeps its first record (so a cache hit links to the run that computed it).
    /// </summary>
    public void RecordWork(StepWorkRecord work, string? runId) =>
        Run("INSERT OR IGNORE INTO steps(key, node, kind, seconds, created, run_id, metrics) VALUES ($k, $n, $kind, $s, $c, $r, $m)",
            ("$k", work.Key), ("$n", work.Node), ("$kind", work.Kind), ("$s", work.Seconds),
            ("$c", work.Created.ToUnixTimeMilliseconds()), ("$r", runId), ("$m", RunLedger.MetricsToJson(work.Metrics)));

    /// <summary>Closes many runs with one status.</summary>
    public void FinishRuns(IReadOnlyList<string> runIds, string status)
    {
        long now = NowMs;
        for (int start = 0; start < runIds.Count; start += 500)
        {
            string[] chunk = runIds.Skip(start).Take(500).ToArray();
            string list = string.Join(", ", chunk.Select((_, i) => $"$i{i}"));
            Run($"UPDATE runs SET status = $s, end_time = $t WHERE id IN ({list})",
                [("$s", status), ("$t", now), .. chunk.Select((id, i) => ($"$i{i}", (object?)id))]);
        }
    }

    public void FinishRun(string runId, string status) =>
        Run("UPDATE runs SET status = $s, end_time = $t WHERE id = $r", ("$s", status), ("$t", NowMs), ("$r", runId));

    /// <summary>Queues one MLflow request; it is sent after this transaction commits.</summary>
    public long Enqueue(string runId, string kind, string payload)
    {
        Run("INSERT INTO outbox(run_id, kind, payload, created) VALUES ($r, $k, $p, $t)",
            ("$r", runId), ("$k", kind), ("$p", payload), ("$t", NowMs));
        return (long)Scalar("SELECT last_insert_rowid()")!;
    }
}

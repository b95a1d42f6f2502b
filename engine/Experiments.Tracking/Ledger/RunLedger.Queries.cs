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

    public IReadOnlyDictionary<string, string> Params(string runId) => Pairs("params", runId);

    public IReadOnlyDictionary<string, string> Tags(string runId) => Pairs("tags", runId);

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

    /// <summary>The latest value of each metric (highest step, then last logged), as MLflow shows it.</summary>
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

    /// <summary>The nodes a run used, each with the run that computed its key (itself when it ran).</summary>
    public IReadOnlyList<RunStepRow> Steps(string runId) => Read(connection =>
    {
        using SqliteCommand command = Command(connection, """
            SELECT rs.node, rs.key, rs.status, s.run_id
            FROM run_steps rs LEFT JOIN steps s ON s.key = rs.key
            WHERE rs.run_id = $r ORDER BY rs.node
            """, ("$r", runId));
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<RunStepRow>();
        while (reader.Read())
        {
            rows.Add(new RunStepRow(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
        return rows;
    });

    /// <summary>How many times a key was computed (one work record per key, however often it is reused).</summary>
    public int WorkRecords(string key) => Read(connection =>
    {
        using SqliteCommand command = Command(connection, "SELECT COUNT(*) FROM steps WHERE key = $k", ("$k", key));
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    });

    public RunDetails Details(LedgerRun run) => new(
        run, Params(run.Id), Tags(run.Id), LatestMetrics(run.Id), Artifacts(run.Id), Steps(run.Id), Children(run.Id));
}

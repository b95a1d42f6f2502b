using Microsoft.Data.Sqlite;

namespace Experiments.Tracking.Ledger;

/// <summary>The outbox side of the ledger: pending MLflow requests and the MLflow ids of our runs.</summary>
public sealed partial class RunLedger
{
    /// <summary>Undelivered requests in the order they were queued.</summary>
    public IReadOnlyList<OutboxEvent> PendingEvents(int limit = 500) => Read(connection =>
    {
        using SqliteCommand command = Command(connection,
            "SELECT id, run_id, kind, payload, attempts FROM outbox WHERE delivered IS NULL ORDER BY id LIMIT $l", ("$l", limit));
        using SqliteDataReader reader = command.ExecuteReader();
        var events = new List<OutboxEvent>();
        while (reader.Read())
        {
            events.Add(new OutboxEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
        }
        return events;
    });

    public int PendingCount() => Read(connection =>
    {
        using SqliteCommand command = Command(connection, "SELECT COUNT(*) FROM outbox WHERE delivered IS NULL");
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    });

    /// <summary>
    /// Counts an attempt before the request leaves, committed: after a crash the next deliverer
    /// knows the request may have arrived and checks before sending it again.
    /// </summary>
    public void MarkAttempt(long eventId) => Write(w => w.Exec("UPDATE outbox SET attempts = attempts + 1 WHERE id = $id", ("$id", eventId)));

    public void MarkDelivered(long eventId) =>
        Write(w => w.Exec("UPDATE outbox SET delivered = $t, last_error = NULL WHERE id = $id", ("$t", NowMs), ("$id", eventId)));

    public void RecordFailure(long eventId, string message) =>
        Write(w => w.Exec("UPDATE outbox SET last_error = $m WHERE id = $id", ("$m", message), ("$id", eventId)));

    public MlflowRunLink? MlflowRun(string runId) => Read(connection =>
    {
        using SqliteCommand command = Command(connection,
            "SELECT mlflow_run_id, mlflow_experiment_id, artifact_uri FROM mlflow_runs WHERE run_id = $r", ("$r", runId));
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? new MlflowRunLink(runId, reader.GetString(0), reader.GetString(1), reader.GetString(2)) : null;
    });

    public void LinkMlflowRun(MlflowRunLink link) => Write(w => w.Exec(
        "INSERT OR REPLACE INTO mlflow_runs(run_id, mlflow_run_id, mlflow_experiment_id, artifact_uri) VALUES ($r, $m, $e, $a)",
        ("$r", link.RunId), ("$m", link.MlflowRunId), ("$e", link.ExperimentId), ("$a", link.ArtifactUri)));
}

/// <summary>Our run and the MLflow run it was delivered as.</summary>
public sealed record MlflowRunLink(string RunId, string MlflowRunId, string ExperimentId, string ArtifactUri);

public sealed partial class RunLedger
{
    /// <summary>Finished runs with no outbox rows at all: recorded while MLflow was not configured.</summary>
    public IReadOnlyList<string> RunsNeverQueued() => Read(connection =>
    {
        using SqliteCommand command = Command(connection, """
            SELECT r.id FROM runs r
            WHERE r.status <> 'RUNNING' AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.run_id = r.id)
            ORDER BY r.start_time, r.rowid
            """);
        using SqliteDataReader reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }
        // Parents before children: a child's create needs its parent's MLflow id.
        return ids;
    });

    /// <summary>Sets a request aside for good (the server rejected it); it no longer blocks its run.</summary>
    public void SetAside(long eventId, string message) =>
        Write(w => w.Exec("UPDATE outbox SET delivered = -1, last_error = $m WHERE id = $id", ("$m", message), ("$id", eventId)));

    /// <summary>Requests the server refused, newest first.</summary>
    public IReadOnlyList<(OutboxEvent Event, string Error)> SetAsideEvents() => Read(connection =>
    {
        using SqliteCommand command = Command(connection,
            "SELECT id, run_id, kind, payload, attempts, last_error FROM outbox WHERE delivered = -1 ORDER BY id DESC LIMIT 100");
        using SqliteDataReader reader = command.ExecuteReader();
        var events = new List<(OutboxEvent, string)>();
        while (reader.Read())
        {
            events.Add((new OutboxEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)),
                reader.IsDBNull(5) ? string.Empty : reader.GetString(5)));
        }
        return events;
    });
}

using Microsoft.Data.Sqlite;

namespace Experiments.Tracking.Ledger;

/// <summary>
/// The ledger's schema as numbered migrations. <c>PRAGMA user_version</c> holds the number applied;
/// opening a ledger applies the missing ones in one transaction each, so a ledger written by an
/// older <c>exp</c> upgrades in place, and one written by a newer <c>exp</c> is refused rather than
/// misread.
/// </summary>
internal static class LedgerSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: runs and what they recorded. A sweep's children share their parent's node list
        // (run_nodes; identical lists, as in repeated all-cached runs, are stored once in
        // node_lists) and each step key's scalar results are stored once (steps), so an all-cached
        // run of thousands of steps writes a few rows, not thousands.
        """
        CREATE TABLE experiments (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created INTEGER NOT NULL);
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            experiment_id INTEGER NOT NULL REFERENCES experiments(id),
            parent_id TEXT REFERENCES runs(id),
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            start_time INTEGER NOT NULL,
            end_time INTEGER,
            file TEXT NOT NULL,
            variant TEXT NOT NULL,
            arguments TEXT NOT NULL);
        CREATE INDEX runs_by_experiment ON runs(experiment_id, start_time);
        CREATE INDEX runs_by_parent ON runs(parent_id);
        CREATE TABLE params (
            run_id TEXT NOT NULL REFERENCES runs(id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, key));
        CREATE TABLE tags (
            run_id TEXT NOT NULL REFERENCES runs(id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, key));
        CREATE TABLE metrics (
            run_id TEXT NOT NULL REFERENCES runs(id),
            key TEXT NOT NULL,
            step INTEGER NOT NULL,
            timestamp INTEGER NOT NULL,
            value REAL,
            special TEXT);
        CREATE INDEX metrics_by_run ON metrics(run_id, key, step);
        CREATE TABLE artifacts (
            run_id TEXT NOT NULL REFERENCES runs(id),
            path TEXT NOT NULL,
            digest TEXT NOT NULL,
            size INTEGER NOT NULL,
            PRIMARY KEY (run_id, path));
        CREATE TABLE steps (
            key TEXT PRIMARY KEY,
            node TEXT NOT NULL,
            kind TEXT NOT NULL,
            seconds REAL NOT NULL,
            created INTEGER NOT NULL,
            run_id TEXT REFERENCES runs(id),
            metrics TEXT NOT NULL);
        CREATE TABLE node_lists (
            digest TEXT PRIMARY KEY,
            nodes TEXT NOT NULL);
        CREATE TABLE run_nodes (
            run_id TEXT PRIMARY KEY REFERENCES runs(id),
            digest TEXT NOT NULL REFERENCES node_lists(digest));
        """,
        // 2: delivery to MLflow. Each row is one request, built when its data was committed.
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL REFERENCES runs(id),
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            created INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            delivered INTEGER,
            last_error TEXT);
        CREATE INDEX outbox_pending ON outbox(delivered, id);
        CREATE TABLE mlflow_runs (
            run_id TEXT PRIMARY KEY REFERENCES runs(id),
            mlflow_run_id TEXT NOT NULL,
            mlflow_experiment_id TEXT NOT NULL,
            artifact_uri TEXT NOT NULL);
        """,
        // 3: the process that owns a run, so a later exp can tell a run whose process was killed
        // (left RUNNING forever) from one still going, and close it as KILLED. Runs recorded
        // before this have no owner and are left as they are. The partial index keeps the look
        // for RUNNING runs, done by every tracked invocation, independent of the ledger's size.
        """
        ALTER TABLE runs ADD COLUMN host TEXT;
        ALTER TABLE runs ADD COLUMN pid INTEGER;
        ALTER TABLE runs ADD COLUMN process_start INTEGER;
        ALTER TABLE runs ADD COLUMN boot_id TEXT;
        CREATE INDEX runs_running ON runs(status) WHERE status = 'RUNNING';
        """,
    ];

    public static int Latest => Migrations.Count;

    /// <summary>Applies the migrations above <c>user_version</c>, up to <paramref name="target"/>.</summary>
    public static void Migrate(SqliteConnection connection, int target)
    {
        int current = UserVersion(connection);
        if (current > Latest)
        {
            throw new LedgerException(
                $"the ledger has schema version {current}, newer than this exp understands ({Latest}); update exp, or use another --store.");
        }
        for (int version = current + 1; version <= target; version++)
        {
            using SqliteTransaction transaction = connection.BeginTransaction();
            using (SqliteCommand command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = Migrations[version - 1] + $"\nPRAGMA user_version = {version};";
                command.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    public static int UserVersion(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>A ledger that cannot be used (newer schema, damaged file): reported as a diagnostic.</summary>
public sealed class LedgerException(string message, Exception? inner = null) : Exception(message, inner);

using Experiments.Tracking.Ledger;
using Microsoft.Data.Sqlite;

namespace Experiments.Tracking.Tests.Support;

/// <summary>What a store's ledger holds, counted with plain SQL: what MLflow must end up with.</summary>
internal sealed record LedgerTotals(int Runs, int Params, int MetricPoints, int Artifacts, int Pending)
{
    public static LedgerTotals Read(string store)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(store, RunLedger.FileName)};Pooling=False");
        connection.Open();
        int Count(string sql)
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        // Params and metrics as the ledger defines a run's (a variant's params are its assignment;
        // scalar step results are stored once per key and belong to the runs that own the step).
        using RunLedger ledger = RunLedger.Open(Path.Combine(store, RunLedger.FileName));
        LedgerRun[] runs = [.. ledger.ListRuns(includeChildren: true, limit: 100_000)];
        return new LedgerTotals(
            Count("SELECT COUNT(*) FROM runs"),
            runs.Sum(r => ledger.Params(r.Id).Count),
            runs.Sum(r => ledger.DeliverableMetrics(r.Id).Count),
            Count("SELECT COUNT(*) FROM artifacts"),
            Count("SELECT COUNT(*) FROM outbox WHERE delivered IS NULL"));
    }

    public static void AssertDelivered(MlflowStandIn server, string store)
    {
        LedgerTotals totals = Read(store);
        Assert.Equal(0, totals.Pending);
        Assert.Empty(server.Duplicates);
        Assert.Empty(server.Violations);
        Assert.Equal(totals.Runs, server.RunsCreated);
        Assert.Equal(totals.Params, server.ParamsArrived);
        Assert.Equal(totals.MetricPoints, server.MetricPointsArrived);
        Assert.Equal(totals.Artifacts, server.ArtifactsArrived);
        Assert.Equal(totals.Runs, server.Runs.Count(r => r.Status != "RUNNING"));
    }
}

using Experiments.Cli.Frontend;
using Experiments.Engine.Diagnostics;
using Experiments.Tracking.Ledger;
using Experiments.Tracking.Mlflow;
using Experiments.Tracking.Tracking;

namespace Experiments.Cli.Tracking;

/// <summary>Opens the ledger of a store for the read commands, or says why it cannot.</summary>
internal static class LedgerAccess
{
    /// <summary>
    /// The ledger, or null after saying why. With <paramref name="closeDeadRuns"/>, runs whose
    /// process was killed are closed as KILLED first (and queued when MLflow is configured), so
    /// what the command shows or sends is not a run that will never finish.
    /// </summary>
    public static RunLedger? Open(CliServices services, string? storeOption, string? file, bool closeDeadRuns = false)
    {
        RunLedger? ledger = OpenFile(services, storeOption, file);
        if (ledger is not null && closeDeadRuns)
        {
            try
            {
                bool queue = MlflowSettings.FromEnvironment(services.ReadEnvironment) is not null;
                foreach (string note in DeadRuns.Notes(DeadRuns.Close(ledger, queue)))
                {
                    services.Error.WriteLine(note);
                }
            }
            catch (Exception exception) when (exception is LedgerException or Microsoft.Data.Sqlite.SqliteException)
            {
                services.Error.WriteLine($"exp: note: could not close the runs of killed processes: {exception.Message}");
            }
        }
        return ledger;
    }

    private static RunLedger? OpenFile(CliServices services, string? storeOption, string? file)
    {
        string store = StoreLocation.Resolve(storeOption, file);
        string path = Path.Combine(store, RunLedger.FileName);
        if (!File.Exists(path))
        {
            services.Error.WriteLine($"exp: error {DiagnosticCodes.UnknownRun}: no ledger at {path}: no run was recorded in this store yet.");
            return null;
        }
        try
        {
            return RunLedger.Open(path);
        }
        catch (LedgerException exception)
        {
            services.Error.WriteLine($"exp: error {DiagnosticCodes.LedgerError}: {exception.Message}");
            return null;
        }
    }

    /// <summary>The run an argument names, or null after saying why.</summary>
    public static LedgerRun? Find(CliServices services, RunLedger ledger, string id, string? experiment = null)
    {
        try
        {
            if (ledger.FindRun(id, experiment) is { } run)
            {
                return run;
            }
            services.Error.WriteLine($"exp: error {DiagnosticCodes.UnknownRun}: no run `{id}` in {ledger.Path}; `exp runs` lists them.");
        }
        catch (LedgerException exception)
        {
            services.Error.WriteLine($"exp: error {DiagnosticCodes.UnknownRun}: {exception.Message}");
        }
        return null;
    }

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    public static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

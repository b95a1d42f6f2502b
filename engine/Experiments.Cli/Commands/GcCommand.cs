using System.CommandLine;
using Experiments.Cli.Frontend;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Store;
using Experiments.Tracking.Ledger;

namespace Experiments.Cli.Commands;

/// <summary>
/// `exp gc`: remove what no recent run references. The artifacts of the runs in the ledger
/// (<c>git.diff</c>, <c>gates.md</c>) are roots too, however old the run. A ledger that exists but
/// cannot be read stops gc before it removes anything: it cannot tell which blobs are artifacts.
/// </summary>
internal static class GcCommand
{
    public static Command Create(CliServices services)
    {
        Argument<string?> file = CommonOptions.OptionalFile();
        Option<string?> store = CommonOptions.Store();
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "List what would be removed, with sizes, and remove nothing." };
        var keepRuns = new Option<int>("--keep-runs") { Description = "Keep what the newest N runs used.", DefaultValueFactory = _ => 20 };
        var keepDays = new Option<double>("--keep-days") { Description = "Also keep what runs of the last D days used.", DefaultValueFactory = _ => 7 };
        var command = new Command("gc", "Remove cached results, blobs and leftovers that no recent run references.")
        {
            file, store, dryRun, keepRuns, keepDays,
        };
        command.SetAction(result => Execute(
            services, result.GetValue(file), result.GetValue(store), result.GetValue(dryRun), result.GetValue(keepRuns), result.GetValue(keepDays)));
        return command;
    }

    private static int Execute(CliServices services, string? file, string? storeOption, bool dryRun, int keepRuns, double keepDays)
    {
        string path = StoreLocation.Resolve(storeOption, file);
        if (!Directory.Exists(path))
        {
            services.Error.WriteLine($"exp: error EXP3005: no store at {path}.");
            return ExitCodes.SpecError;
        }
        string ledgerPath = Path.Combine(path, RunLedger.FileName);
        bool hasLedger = File.Exists(ledgerPath);
        GcReport? report;
        try
        {
            // Read under gc's exclusive hold on the store, so no run adds an artifact meanwhile.
            report = new GarbageCollector(new ContentStore(path)).Collect(keepRuns, keepDays, DateTimeOffset.UtcNow, dryRun,
                hasLedger ? () => LedgerBlobs(ledgerPath) : null);
        }
        catch (UnreadableLedgerException exception)
        {
            services.Error.WriteLine(
                $"exp: error {DiagnosticCodes.LedgerError}: cannot read the ledger {ledgerPath}: {exception.Message} "
                + "gc keeps the blobs recorded runs refer to (git.diff, gates.md) and cannot tell which they are, so it removed nothing. "
                + "Repair the ledger, or move it aside to collect without it (the artifacts of its runs are then removed too).");
            return ExitCodes.SpecError;
        }
        if (report is null)
        {
            services.Error.WriteLine($"exp: error EXP3005: the store {path} is in use by a running exp; try again when it finishes.");
            return ExitCodes.StepFailed;
        }
        string verb = dryRun ? "would remove" : "removed";
        foreach (GcItem item in report.Removed)
        {
            services.Output.WriteLine($"{verb} {item.What,-10} {Size(item.Bytes),10}  {Path.GetRelativePath(path, item.Path)}");
        }
        services.Output.WriteLine(
            $"{verb} {report.Removed.Count} item(s), {Size(report.Removed.Sum(i => i.Bytes))}; kept {report.KeysKept} step result(s) "
            + $"referenced by {report.RunsKept} recent run(s)"
            + (hasLedger ? $", {report.PinnedBlobsKept} artifact blob(s) of the ledger's runs" : string.Empty)
            + $", {Size(report.BytesKept)} of blobs.");
        return ExitCodes.Ok;
    }

    /// <summary>The blobs the ledger's runs refer to; any failure to read them stops gc.</summary>
    private static IReadOnlySet<string> LedgerBlobs(string ledgerPath)
    {
        try
        {
            using RunLedger ledger = RunLedger.Open(ledgerPath);
            return ledger.ReferencedBlobs();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A damaged file, a newer schema, a SQLite native library that does not load.
            Exception cause = exception is TypeInitializationException or LedgerException { InnerException: Microsoft.Data.Sqlite.SqliteException }
                ? exception.InnerException!.GetBaseException()
                : exception;
            throw new UnreadableLedgerException(cause.Message.TrimEnd('.') + ".", cause);
        }
    }

    private sealed class UnreadableLedgerException(string message, Exception inner) : Exception(message, inner);

    internal static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:F1} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):F1} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):F2} GiB",
    };
}

using System.CommandLine;
using Experiments.Cli.Frontend;
using Experiments.Engine.Store;

namespace Experiments.Cli.Commands;

/// <summary>`exp gc`: remove what no recent run references.</summary>
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
        GcReport? report = new GarbageCollector(new ContentStore(path)).Collect(keepRuns, keepDays, DateTimeOffset.UtcNow, dryRun);
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
            + $"referenced by {report.RunsKept} recent run(s), {Size(report.BytesKept)} of blobs.");
        return ExitCodes.Ok;
    }

    internal static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:F1} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):F1} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):F2} GiB",
    };
}

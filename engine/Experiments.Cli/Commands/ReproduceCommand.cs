using System.CommandLine;
using System.Globalization;
using Experiments.Cli.Frontend;
using Experiments.Cli.Rendering;
using Experiments.Cli.Tracking;
using Experiments.Engine.Diagnostics;
using Experiments.Tracking.Ledger;
using LibGit2Sharp;

namespace Experiments.Cli.Commands;

/// <summary>
/// `exp reproduce RUN`: checks the run's pinned commit out into a temporary git worktree, reruns
/// its experiment there with the recorded <c>-p</c> overrides (into a fresh store, so every step
/// really recomputes, unless <c>--store-reuse</c>), and reports, metric by metric, whether the
/// results agree.
/// </summary>
internal static class ReproduceCommand
{
    public static Command Create(CliServices services)
    {
        Argument<string> run = TrackingOptions.Run();
        Option<string?> store = CommonOptions.Store();
        var tolerance = new Option<double>("--tolerance") { Description = "Relative difference still counted as agreement.", DefaultValueFactory = _ => 1e-9 };
        var reuse = new Option<bool>("--store-reuse") { Description = "Rerun against the same store (cached steps are reused) instead of a fresh one." };
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary worktree and store (their paths are printed)." };
        var command = new Command("reproduce", "Rerun a recorded run from its pinned git commit and report whether its metrics agree.")
        {
            run, store, tolerance, reuse, keep,
        };
        command.SetAction((result, cancellationToken) => ExecuteAsync(services, result.GetValue(run)!, result.GetValue(store),
            result.GetValue(tolerance), result.GetValue(reuse), result.GetValue(keep), cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(
        CliServices services, string runId, string? storeOption, double tolerance, bool reuse, bool keep, CancellationToken cancellationToken)
    {
        string storePath = StoreLocation.Resolve(storeOption, null);
        LedgerRun? original;
        IReadOnlyDictionary<string, string> tags;
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> expected;
        using (RunLedger? ledger = LedgerAccess.Open(services, storeOption, null))
        {
            if (ledger is null || LedgerAccess.Find(services, ledger, runId) is not { } found)
            {
                return ExitCodes.SpecError;
            }
            original = found.ParentId is { } parent ? ledger.TryGetRun(parent)! : found;
            tags = ledger.Tags(original.Id);
            expected = MetricsByVariant(ledger, original);
        }
        if (!tags.TryGetValue("mlflow.source.git.commit", out string? commit))
        {
            services.Error.WriteLine($"exp: error {DiagnosticCodes.GitNone}: run {original.ShortId} is not pinned to a git commit (it ran outside a repository); it cannot be reproduced from one.");
            return ExitCodes.SpecError;
        }
        if (tags.GetValueOrDefault("exp.git.dirty") == "true")
        {
            services.Error.WriteLine($"exp: warning: run {original.ShortId} ran with uncommitted changes (artifact git.diff); the commit alone may not reproduce it.");
        }
        // The store usually lives in the run's repository; otherwise the current folder's repository.
        string? gitDirectory = new[] { storePath, Directory.GetCurrentDirectory() }
            .Select(Repository.Discover)
            .FirstOrDefault(found => found is not null && HasCommit(found, commit));
        if (gitDirectory is null)
        {
            services.Error.WriteLine($"exp: error {DiagnosticCodes.GitNone}: commit {commit[..8]} of run {original.ShortId} is not in the repository of the store or of the current folder; run this inside that repository (fetch the commit first).");
            return ExitCodes.SpecError;
        }

        string scratch = Directory.CreateTempSubdirectory("exp-reproduce-").FullName;
        string worktreePath = Path.Combine(scratch, "src");
        string name = $"exp-reproduce-{original.Id[..8]}-{Guid.NewGuid().ToString("N")[..6]}";
        using var repository = new Repository(gitDirectory);
        Worktree worktree = repository.Worktrees.Add(commit, name, worktreePath, isLocked: false);
        try
        {
            string file = Path.Combine(worktreePath, original.File);
            string newStore = reuse ? storePath : Path.Combine(scratch, "store");
            services.Output.WriteLine($"reproducing run {original.ShortId} at commit {commit[..8]} in {worktreePath}{(original.Arguments.Count > 0 ? $" with {string.Join(" ", original.Arguments.Select(a => $"-p {a}"))}" : "")}");
            string[] overrides = [.. original.Arguments];
            int exit = await RunCommand.ExecuteAsync(services, file, overrides, Environment.ProcessorCount, newStore, json: false,
                ExecutorChoice.FromExperiment,
                new RunCommand.RunSettings(Strict: false, Gates: false, GateSummaryPath: null), cancellationToken).ConfigureAwait(false);
            if (exit != ExitCodes.Ok)
            {
                services.Error.WriteLine($"exp: error {DiagnosticCodes.ReproduceMismatch}: the rerun of {original.ShortId} did not finish (exit {exit}).");
                return ExitCodes.StepFailed;
            }
            using RunLedger rerunLedger = RunLedger.OpenStore(newStore);
            LedgerRun rerun = rerunLedger.ListRuns(original.Experiment, limit: 1)[0];
            return Compare(services, original, rerun, expected, MetricsByVariant(rerunLedger, rerun), tolerance);
        }
        finally
        {
            if (!keep)
            {
                repository.Worktrees.Prune(worktree, ifLocked: true);
                TryDelete(scratch);
                TryDelete(Path.Combine(repository.Info.Path, "worktrees", name));
            }
            else
            {
                services.Output.WriteLine($"kept {scratch}");
            }
        }
    }

    private static bool HasCommit(string gitDirectory, string commit)
    {
        using var repository = new Repository(gitDirectory);
        return repository.Lookup<Commit>(commit) is not null;
    }

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> MetricsByVariant(RunLedger ledger, LedgerRun run)
    {
        var metrics = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal) { [string.Empty] = ledger.LatestMetrics(run.Id) };
        foreach (LedgerRun child in ledger.Children(run.Id))
        {
            metrics[child.Name] = ledger.LatestMetrics(child.Id);
        }
        return metrics;
    }

    private static int Compare(
        CliServices services, LedgerRun original, LedgerRun rerun,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> expected,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> actual, double tolerance)
    {
        var table = new TextTable("variant", "metric", original.ShortId, rerun.ShortId, "agrees");
        table.RightAligned.UnionWith([2, 3]);
        int total = 0;
        int disagreements = 0;
        foreach ((string variant, IReadOnlyDictionary<string, double> metrics) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            IReadOnlyDictionary<string, double> other = actual.GetValueOrDefault(variant) ?? new Dictionary<string, double>();
            foreach ((string key, double value) in metrics)
            {
                if (IsTiming(key))
                {
                    // Speed depends on the machine and its load, not on what was computed.
                    table.Add(variant.Length == 0 ? "—" : variant, key, LedgerAccess.Number(value),
                        other.TryGetValue(key, out double timing) ? LedgerAccess.Number(timing) : "missing", "(timing)");
                    continue;
                }
                total++;
                bool has = other.TryGetValue(key, out double again);
                bool agrees = has && (value.Equals(again) || Math.Abs(value - again) <= tolerance * Math.Max(1, Math.Abs(value)));
                if (!agrees)
                {
                    disagreements++;
                }
                table.Add(variant.Length == 0 ? "—" : variant, key, LedgerAccess.Number(value), has ? LedgerAccess.Number(again) : "missing", agrees ? "yes" : "NO");
            }
        }
        services.Output.Write(table.Plain());
        if (disagreements > 0)
        {
            services.Error.WriteLine($"exp: error {DiagnosticCodes.ReproduceMismatch}: {disagreements} of {total} metric(s) of run {original.ShortId} differ in the rerun {rerun.ShortId}.");
            return ExitCodes.StepFailed;
        }
        services.Output.WriteLine($"reproduced: all {total.ToString(CultureInfo.InvariantCulture)} metric(s) of run {original.ShortId} agree (rerun {rerun.ShortId}).");
        return ExitCodes.Ok;
    }

    private static bool IsTiming(string key)
    {
        string name = key[(key.LastIndexOf('.') + 1)..];
        return name.EndsWith("per_second", StringComparison.Ordinal) || name.EndsWith("seconds", StringComparison.Ordinal);
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

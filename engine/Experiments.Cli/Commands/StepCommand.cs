using System.CommandLine;
using Experiments.Engine.Execution;
using Experiments.Engine.Keys;
using Experiments.Engine.Kinds;
using Experiments.Engine.Store;

namespace Experiments.Cli.Commands;

/// <summary>
/// `exp step run KEY --store PATH`: execute one step from its spec in the store, in this process.
/// What other executors (worker processes, Slurm jobs) call; a step needs nothing but the store.
/// </summary>
internal static class StepCommand
{
    public static Command Create(CliServices services)
    {
        var key = new Argument<string>("key") { Description = "The step key (as printed by `exp run --json`)." };
        var store = new Option<string>("--store") { Description = "The store folder.", Required = true };
        var run = new Command("run", "Execute one step from its spec in the store.") { key, store };
        run.SetAction((result, cancellationToken) => ExecuteAsync(services, result.GetValue(key)!, result.GetValue(store)!, cancellationToken));
        return new Command("step", "Commands on single steps, for executors.") { run };
    }

    private static async Task<int> ExecuteAsync(CliServices services, string key, string storePath, CancellationToken cancellationToken)
    {
        var store = new ContentStore(storePath);
        StepSpecRecord? spec = key.Length == 64 ? store.TryGetSpec(key) : null;
        if (spec is null)
        {
            services.Error.WriteLine($"exp: error EXP3005: no step spec for key `{key}` in {store.Root}.");
            return ExitCodes.SpecError;
        }
        KeyDescription description = KeyDescription.Parse(spec.Description);
        StepKind? kind = services.Registry.Find(description.Kind);
        if (kind is null || kind.Schema.Version != description.Version)
        {
            services.Error.WriteLine($"exp: error EXP3005: this exp has no kind `{description.Kind}` v{description.Version}.");
            return ExitCodes.SpecError;
        }
        if (store.TryGetAction(key) is { } existing && store.FindDamage(existing, full: true) is null)
        {
            services.Output.WriteLine($"cached  {spec.Step}  {key}");
            return ExitCodes.Ok;
        }
        using IDisposable keyLock = await StoreLocks.AcquireKeyAsync(store, key, null, cancellationToken).ConfigureAwait(false);
        try
        {
            ActionEntry entry = await new StepExecutor(store).ExecuteAsync(spec, kind, null, cancellationToken).ConfigureAwait(false);
            services.Output.WriteLine($"ran     {spec.Step}  {key}  in {entry.Seconds:F2} s");
            return ExitCodes.Ok;
        }
        catch (StepFailedException failure)
        {
            services.Error.WriteLine($"exp: error EXP3001: step {spec.Step} failed: {failure.Message} (log: {store.LogPath(key)})");
            return ExitCodes.StepFailed;
        }
    }
}

using System.CommandLine;
using Experiments.Engine.Execution;
using Experiments.Engine.Keys;
using Experiments.Engine.Kinds;
using Experiments.Engine.Store;

namespace Experiments.Cli.Commands;

/// <summary>
/// `exp step run ID --store PATH`: execute one step in this process, from its spec in the store
/// (ID is a step key) or from its recipe (ID is a recipe id: a step submitted before its inputs
/// existed, whose key is completed here from the results of its upstream recipes). What other
/// executors (worker processes, Slurm jobs) call; a step needs nothing but the store.
/// </summary>
internal static class StepCommand
{
    private const int LogTailLines = 20;

    public static Command Create(CliServices services)
    {
        var id = new Argument<string>("id") { Description = "A step key (as printed by `exp run --json`) or a recipe id (recipes/ in the store)." };
        var store = new Option<string>("--store") { Description = "The store folder.", Required = true };
        var run = new Command("run", "Execute one step from its spec or recipe in the store.") { id, store };
        run.SetAction((result, cancellationToken) => ExecuteAsync(services, result.GetValue(id)!, result.GetValue(store)!, cancellationToken));
        return new Command("step", "Commands on single steps, for executors.") { run };
    }

    private static async Task<int> ExecuteAsync(CliServices services, string id, string storePath, CancellationToken cancellationToken)
    {
        var store = new ContentStore(storePath);
        // Held like a run's: `exp gc` must not delete what this step reads or writes (a Slurm job
        // may outlive the `exp run` that submitted it).
        using IDisposable shared = await StoreLocks.AcquireSharedAsync(
            store, () => services.Error.WriteLine("exp: waiting for `exp gc` to finish with this store."), cancellationToken).ConfigureAwait(false);
        StepSpecRecord? spec = id.Length == 64 ? store.TryGetSpec(id) : null;
        StepRecipe? recipe = spec is null && id.Length == 64 ? store.TryGetRecipe(id) : null;
        if (spec is null && recipe is null)
        {
            services.Error.WriteLine($"exp: error EXP3005: no step spec or recipe `{id}` in {store.Root}.");
            return ExitCodes.SpecError;
        }
        string kindName = spec is null ? recipe!.Kind : KeyDescription.Parse(spec.Description).Kind;
        int version = spec is null ? recipe!.Version : KeyDescription.Parse(spec.Description).Version;
        StepKind? kind = services.Registry.Find(kindName);
        if (kind is null || kind.Schema.Version != version)
        {
            services.Error.WriteLine($"exp: error EXP3005: this exp has no kind `{kindName}` v{version}.");
            return ExitCodes.SpecError;
        }
        if (recipe is not null)
        {
            try
            {
                (_, spec) = RecipeResolver.Resolve(store, recipe, kind);
            }
            catch (UnresolvedRecipeException unresolved)
            {
                services.Error.WriteLine($"exp: error EXP3005: step {recipe.Step}: {unresolved.Message}");
                return ExitCodes.StepFailed;
            }
            store.PutSpec(spec);
        }
        string key = spec!.Key;
        if (FindSound(store, key))
        {
            return Done(services, store, recipe, key, ran: false, $"cached  {spec.Step}  {key}");
        }
        using IDisposable keyLock = await StoreLocks.AcquireKeyAsync(
            store, key, () => services.Output.WriteLine($"waiting {spec.Step}: another process holds its lock"), cancellationToken).ConfigureAwait(false);
        if (FindSound(store, key))
        {
            return Done(services, store, recipe, key, ran: false, $"cached  {spec.Step}  {key} (computed by another process meanwhile)");
        }
        try
        {
            ActionEntry entry = await new StepExecutor(store).ExecuteAsync(spec, kind, null, cancellationToken).ConfigureAwait(false);
            return Done(services, store, recipe, key, ran: true, $"ran     {spec.Step}  {key}  in {entry.Seconds:F2} s");
        }
        catch (StepFailedException failure)
        {
            return Fail(services, store, key, $"EXP3001: step {spec.Step} failed: {failure.Message}");
        }
        catch (CorruptInputException corrupt)
        {
            return Fail(services, store, key, $"EXP3002: step {spec.Step}: {corrupt.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            services.Error.WriteLine($"exp: step {spec.Step} cancelled; nothing half-written was kept.");
            return ExitCodes.Cancelled;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return Fail(services, store, key, $"EXP3001: internal error in `{kind.Name}` ({spec.Step}): {exception.Message}");
        }
    }

    private static bool FindSound(ContentStore store, string key) =>
        store.TryGetAction(key) is { } existing && store.FindDamage(existing, full: true) is null;

    /// <summary>Reports success; a recipe's result goes into the store last, after the action entry.</summary>
    private static int Done(CliServices services, ContentStore store, StepRecipe? recipe, string key, bool ran, string line)
    {
        if (recipe is not null)
        {
            store.PutRecipeResult(new RecipeResult(recipe.Id, key, ran));
        }
        services.Output.WriteLine(line);
        return ExitCodes.Ok;
    }

    /// <summary>The error, then the end of the step's log: a batch job's output then says why on its own.</summary>
    private static int Fail(CliServices services, ContentStore store, string key, string message)
    {
        string log = store.LogPath(key);
        services.Error.WriteLine($"exp: error {message} (log: {log})");
        if (File.Exists(log))
        {
            foreach (string line in File.ReadLines(log).TakeLast(LogTailLines))
            {
                services.Error.WriteLine("  " + line);
            }
        }
        return ExitCodes.StepFailed;
    }
}

using Experiments.Engine.Keys;
using Experiments.Engine.Kinds;
using Experiments.Engine.Store;

namespace Experiments.Engine.Execution;

/// <summary>A recipe's input cannot be read: its upstream has no result in the store (yet, or any more).</summary>
public sealed class UnresolvedRecipeException(string message) : Exception(message);

/// <summary>
/// Turns a recipe into the key description and self-contained spec a local run would compute for
/// the same step, once every upstream recipe has a result: each input's digest is read from the
/// action entry its upstream result names.
/// </summary>
public static class RecipeResolver
{
    public static (KeyDescription Description, StepSpecRecord Spec) Resolve(ContentStore store, StepRecipe recipe, StepKind kind)
    {
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        var manifests = new Dictionary<string, OutputManifest>(StringComparer.Ordinal);
        foreach ((string name, RecipeInput input) in recipe.Inputs)
        {
            RecipeResult result = store.TryGetRecipeResult(input.Recipe)
                ?? throw new UnresolvedRecipeException($"input `{name}`: upstream recipe {input.Recipe[..12]} has no result in the store.");
            ActionEntry entry = store.TryGetAction(result.Key)
                ?? throw new UnresolvedRecipeException($"input `{name}`: upstream result {result.Key[..12]} is not in the store (removed by gc?).");
            if (!entry.Outputs.TryGetValue(input.Output, out OutputManifest? manifest))
            {
                throw new UnresolvedRecipeException($"input `{name}`: upstream {entry.Step} has no output `{input.Output}`.");
            }
            digests[name] = manifest.Digest;
            manifests[name] = manifest;
        }
        var sources = recipe.Sources.ToDictionary(s => s.Key, s => s.Value.Digest, StringComparer.Ordinal);
        KeyDescription description = StepKeys.Describe(kind, recipe.Params, recipe.ExperimentSeed, digests, sources);
        var spec = new StepSpecRecord(description.Key, recipe.Step, description.CanonicalJson, manifests, recipe.Sources);
        return (description, spec);
    }
}

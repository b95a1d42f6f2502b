using Experiments.Engine.Compile;
using Experiments.Engine.Store;

namespace Experiments.Engine.Scheduling;

/// <summary>
/// The recipe of every node (see <see cref="StepRecipe"/>), computed once per node on first use:
/// its inputs name the recipes of its upstream nodes, whether or not those are cached.
/// </summary>
internal sealed class RecipeBook
{
    private readonly Lazy<StepRecipe>[] _recipes;

    public RecipeBook(StepGraph graph, SourceDigests sources)
    {
        _recipes = graph.Nodes.Select(node => new Lazy<StepRecipe>(() => new StepRecipe(
            node.Id,
            node.Kind.Name,
            node.Kind.Schema.Version,
            node.Params,
            node.Inputs.ToDictionary(i => i.InputName, i => new RecipeInput(For(i.Source).Id, i.OutputName), StringComparer.Ordinal),
            node.SourceFiles.ToDictionary(f => f.ParamName, sources.Get, StringComparer.Ordinal),
            graph.Seed))).ToArray();
    }

    public StepRecipe For(StepNode node) => _recipes[node.Index].Value;
}

using Experiments.Engine.Compile;
using Experiments.Engine.Keys;
using Experiments.Engine.Store;

namespace Experiments.Engine.Scheduling;

/// <summary>What `exp status` says of one node: cached, or would run and why.</summary>
public sealed record PlannedStep(StepNode Node, bool Cached, string? Key, IReadOnlyList<string> Reasons)
{
    public KeyDescription? Description { get; init; }
}

/// <summary>
/// Works out what a run would do without running anything (like `dvc status` or `snakemake -n`,
/// with the reason): a node is cached when its inputs are cached and its key is in the store;
/// otherwise the reason is the first difference from its last recorded key, or the upstream
/// step that has to run first.
/// </summary>
public sealed class StatusPlanner(ContentStore store)
{
    public IReadOnlyList<PlannedStep> Plan(StepGraph graph) => Plan(graph, History.Load(store, graph.ExperimentName));

    public IReadOnlyList<PlannedStep> Plan(StepGraph graph, History history)
    {
        var sources = new SourceDigests(store, ingest: false);
        var plans = new PlannedStep[graph.Nodes.Count];
        var entries = new ActionEntry?[graph.Nodes.Count];
        foreach (StepNode node in graph.Nodes)
        {
            var sourceDigests = node.SourceFiles.ToDictionary(f => f.ParamName, f => sources.Get(f).Digest, StringComparer.Ordinal);
            StepNode? pending = node.Inputs.Select(i => i.Source).FirstOrDefault(s => !plans[s.Index].Cached);
            if (pending is not null)
            {
                List<string> reasons = PendingReasons.Explain(history.Previous(node.Id), node, graph.Seed, sourceDigests, pending);
                plans[node.Index] = new PlannedStep(node, false, null, reasons);
                continue;
            }

            var inputDigests = node.Inputs.ToDictionary(
                i => i.InputName, i => entries[i.Source.Index]!.Outputs[i.OutputName].Digest, StringComparer.Ordinal);
            KeyDescription description = StepKeys.Describe(node, graph.Seed, inputDigests, sourceDigests);
            string key = description.Key;
            ActionEntry? entry = store.TryGetAction(key);
            if (entry is not null && store.FindDamage(entry, full: false) is null)
            {
                entries[node.Index] = entry;
                plans[node.Index] = new PlannedStep(node, true, key, []) { Description = description };
            }
            else
            {
                // The last description is read only for steps that will run: a no-op status stays cheap.
                IReadOnlyList<string> reasons = entry is null
                    ? KeyDiff.Explain(history.Previous(node.Id), description, node)
                    : ["cached output is damaged"];
                plans[node.Index] = new PlannedStep(node, false, key, reasons) { Description = description };
            }
        }
        return plans;
    }
}

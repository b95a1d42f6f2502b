using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Store;

namespace Experiments.Engine.Scheduling;

/// <summary>Finds a key's cached entry, if its blobs are sound; a damaged one is dropped with a warning.</summary>
internal sealed class CacheLookup(ContentStore store, IRunObserver observer)
{
    public ActionEntry? FindSound(StepNode node, string key)
    {
        ActionEntry? entry = store.TryGetAction(key);
        if (entry is null)
        {
            return null;
        }
        if (store.FindDamage(entry, full: false) is { } damaged)
        {
            observer.Warning(Diagnostic.Warning(DiagnosticCodes.CorruptBlob, node.Declaration.Span,
                $"cached output of `{node.Id}` is damaged ({damaged.Path}, blob {damaged.Digest[..12]}); recomputing it."));
            store.DiscardBlob(damaged.Digest);
            store.RemoveAction(key);
            return null;
        }
        return entry;
    }
}

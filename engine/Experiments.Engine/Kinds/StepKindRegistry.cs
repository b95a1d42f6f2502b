using Experiments.Engine.Diagnostics;

namespace Experiments.Engine.Kinds;

/// <summary>The step kinds an experiment may use, by name.</summary>
public sealed class StepKindRegistry
{
    private readonly Dictionary<string, StepKind> _kinds = new(StringComparer.Ordinal);

    public StepKindRegistry(IEnumerable<StepKind> kinds)
    {
        foreach (StepKind kind in kinds)
        {
            if (!_kinds.TryAdd(kind.Name, kind))
            {
                throw new ArgumentException($"Step kind '{kind.Name}' is registered twice.", nameof(kinds));
            }
        }
    }

    public IEnumerable<StepKind> All => _kinds.Values.OrderBy(k => k.Name, StringComparer.Ordinal);

    public StepKind? Find(string name) => _kinds.GetValueOrDefault(name);

    public string? DidYouMean(string name) => Suggestions.DidYouMean(name, _kinds.Keys);
}

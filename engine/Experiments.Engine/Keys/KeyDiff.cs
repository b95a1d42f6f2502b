using Experiments.Engine.Compile;

namespace Experiments.Engine.Keys;

/// <summary>
/// Says why a key differs from the one a node had last time: the first entry is the headline
/// (`param lr 0.0003 → 0.001`, `upstream splits changed`, `new step`), the rest the details.
/// </summary>
public static class KeyDiff
{
    public const string NewStep = "new step";

    public static IReadOnlyList<string> Explain(KeyDescription? previous, KeyDescription current, StepNode node)
    {
        if (previous is null)
        {
            return [NewStep];
        }
        var reasons = new List<string>();
        if (previous.Kind != current.Kind)
        {
            reasons.Add($"kind {previous.Kind} → {current.Kind}");
        }
        else if (previous.Version != current.Version)
        {
            reasons.Add($"kind {current.Kind} version {previous.Version} → {current.Version}");
        }
        foreach (string name in previous.Params.Keys.Union(current.Params.Keys).Order(StringComparer.Ordinal))
        {
            CanonicalValue? before = previous.Params.GetValueOrDefault(name);
            CanonicalValue? after = current.Params.GetValueOrDefault(name);
            if (!Equals(before, after))
            {
                reasons.Add($"param {name} {before?.Display() ?? "(none)"} → {after?.Display() ?? "(none)"}");
            }
        }
        foreach (string name in previous.Inputs.Keys.Union(current.Inputs.Keys).Order(StringComparer.Ordinal))
        {
            if (previous.Inputs.GetValueOrDefault(name) != current.Inputs.GetValueOrDefault(name))
            {
                string source = node.Inputs.FirstOrDefault(i => i.InputName == name)?.Source.Name ?? name;
                reasons.Add($"upstream {source} changed");
            }
        }
        foreach (string name in previous.Sources.Keys.Union(current.Sources.Keys).Order(StringComparer.Ordinal))
        {
            if (previous.Sources.GetValueOrDefault(name) != current.Sources.GetValueOrDefault(name))
            {
                string file = node.SourceFiles.FirstOrDefault(f => f.ParamName == name)?.RelativePath ?? name;
                reasons.Add($"file {file} changed");
            }
        }
        foreach (string name in previous.Environment.Keys.Union(current.Environment.Keys).Order(StringComparer.Ordinal))
        {
            string? before = previous.Environment.GetValueOrDefault(name);
            string? after = current.Environment.GetValueOrDefault(name);
            if (before != after)
            {
                reasons.Add($"environment {name} {before ?? "(none)"} → {after ?? "(none)"}");
            }
        }
        if (reasons.Count == 0 && previous.Seed != current.Seed)
        {
            reasons.Add("experiment seed changed");
        }
        if (reasons.Count == 0)
        {
            reasons.Add("not in the store (removed by gc, damaged, or never finished)");
        }
        return reasons;
    }
}

using Experiments.Engine.Compile;

namespace Experiments.Tracking.Gates;

/// <summary>Finds a baseline run on a tracking server.</summary>
public interface IBaselineRuns
{
    /// <summary>The newest finished run that matches, with its children; null when none matches.</summary>
    Task<BaselineRun?> FindAsync(string experiment, BaselineMlflow source, CancellationToken cancellationToken);
}

/// <summary>
/// A baseline invocation as a tracking server holds it: the parent's latest metrics (the steps
/// every variant shares, by <c>step.metric</c>) and, for a sweep, each child's variant (its params)
/// and metrics.
/// </summary>
public sealed record BaselineRun(string RunId, IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<BaselineChild> Children)
{
    /// <summary>
    /// The value of <paramref name="metric"/> of <paramref name="node"/> in this run: a swept node's
    /// comes from a child whose variant includes the node's assignment, a shared node's from the parent.
    /// </summary>
    public double? Find(GateInput node, string metric)
    {
        string key = $"{node.StepName}.{metric}";
        if (node.Variant.Count == 0)
        {
            return Metrics.TryGetValue(key, out double shared) ? shared : null;
        }
        foreach (BaselineChild child in Children)
        {
            if (node.Variant.All(p => child.Variant.TryGetValue(p.Key, out string? label) && label == p.Value)
                && child.Metrics.TryGetValue(key, out double value))
            {
                return value;
            }
        }
        return null;
    }
}

/// <summary>One variant of a baseline sweep: its assignment (dimension → label) and latest metrics.</summary>
public sealed record BaselineChild(string RunId, IReadOnlyDictionary<string, string> Variant, IReadOnlyDictionary<string, double> Metrics);

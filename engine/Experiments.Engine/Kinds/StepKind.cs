using Experiments.Engine.Compile;
using Experiments.Engine.Execution;

namespace Experiments.Engine.Kinds;

/// <summary>
/// A kind of step: its schema and how to execute it. An execution must be a pure function of its
/// context (parameters, input bytes, seed): everything that changes its output belongs in the
/// schema's version, the parameters, or <see cref="EnvironmentFacets"/>.
/// </summary>
public abstract class StepKind
{
    public abstract StepKindSchema Schema { get; }

    public string Name => Schema.Name;

    public abstract Task ExecuteAsync(StepContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Facts about the running environment that change this kind's results (library versions,
    /// device kind, determinism flags). They enter the key, so a result computed elsewhere is not
    /// reused where it would differ.
    /// </summary>
    public virtual IReadOnlyDictionary<string, string> EnvironmentFacets(IReadOnlyDictionary<string, CanonicalValue> parameters) =>
        EmptyFacets;

    protected static readonly IReadOnlyDictionary<string, string> EmptyFacets = new Dictionary<string, string>();
}

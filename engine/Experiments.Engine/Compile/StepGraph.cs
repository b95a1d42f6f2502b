using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;

namespace Experiments.Engine.Compile;

/// <summary>
/// One sweep dimension: a <c>sweep[...]</c> (or a zip group of them) and its number of values.
/// <see cref="Members"/> holds, for each value index, the label of each member sweep.
/// </summary>
public sealed record SweepDimension(string Name, int Count, IReadOnlyList<SweepMember> Members, SourceSpan Span);

/// <summary>One sweep occurrence of a dimension: its path (<c>ft.lr</c>) and a label per value.</summary>
public sealed record SweepMember(string Path, IReadOnlyList<string> Labels);

/// <summary>An edge: input <see cref="InputName"/> reads output <see cref="OutputName"/> of <see cref="Source"/>.</summary>
public sealed record NodeInput(string InputName, StepNode Source, string OutputName, ArtifactType Type);

/// <summary>A user's file named by a path parameter.</summary>
public sealed record NodeSourceFile(string ParamName, string RelativePath, string FullPath, SourceSpan Span);

/// <summary>
/// A step instance after sweep expansion. Nodes are interned: two variants that need the same
/// kind with the same parameters on the same inputs share one node, so shared work runs once.
/// </summary>
public sealed class StepNode
{
    internal StepNode(
        int index,
        StepDeclaration declaration,
        StepKind kind,
        IReadOnlyDictionary<string, CanonicalValue> parameters,
        IReadOnlyList<NodeInput> inputs,
        IReadOnlyList<NodeSourceFile> sourceFiles,
        IReadOnlyList<KeyValuePair<string, string>> variant,
        IReadOnlySet<int> dimensions,
        string identity)
    {
        Dimensions = dimensions;
        Index = index;
        Declaration = declaration;
        Kind = kind;
        Params = parameters;
        Inputs = inputs;
        SourceFiles = sourceFiles;
        Variant = variant;
        Identity = identity;
        Id = variant.Count == 0
            ? declaration.Name
            : $"{declaration.Name}[{string.Join(",", variant.Select(v => $"{v.Key}={v.Value}"))}]";
    }

    /// <summary>Position in <see cref="StepGraph.Nodes"/>, which is in dependency order.</summary>
    public int Index { get; }

    /// <summary>The step's name with its sweep assignment, e.g. <c>ft[lr=0.0001]</c>.</summary>
    public string Id { get; }

    public string Name => Declaration.Name;

    public StepDeclaration Declaration { get; }

    public StepKind Kind { get; }

    /// <summary>Canonical parameters, sorted by name, defaults explicit.</summary>
    public IReadOnlyDictionary<string, CanonicalValue> Params { get; }

    public IReadOnlyList<NodeInput> Inputs { get; }

    public IReadOnlyList<NodeSourceFile> SourceFiles { get; }

    /// <summary>The part of the sweep assignment this node depends on (its own and its inputs').</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variant { get; }

    /// <summary>Indices of the sweep dimensions this node depends on.</summary>
    internal IReadOnlySet<int> Dimensions { get; }

    /// <summary>The interning identity: kind, version, canonical params and input node identities.</summary>
    internal string Identity { get; }

    public override string ToString() => Id;
}

/// <summary>The compiled experiment: nodes in dependency order, sweep dimensions, gates.</summary>
public sealed record StepGraph(
    ExperimentSpec Spec,
    IReadOnlyList<StepNode> Nodes,
    IReadOnlyList<SweepDimension> Dimensions,
    int VariantCount,
    IReadOnlyList<GateStatement> Gates)
{
    public string ExperimentName => Spec.Name;

    public long Seed => Spec.Seed;

    /// <summary>
    /// Every variant that runs, as its full sweep assignment (label by dimension, as in
    /// <see cref="StepNode.Variant"/>); one empty assignment when there is no sweep. Tracking makes
    /// one child run per variant.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> Variants { get; init; } = [[]];

    /// <summary>Whether <paramref name="node"/> is part of <paramref name="variant"/> (its assignment agrees).</summary>
    public static bool BelongsTo(StepNode node, IReadOnlyList<KeyValuePair<string, string>> variant) =>
        node.Variant.All(variant.Contains);

    /// <summary>Every node that <paramref name="node"/> reads from, directly or not.</summary>
    public static IEnumerable<StepNode> Upstream(StepNode node)
    {
        var seen = new HashSet<StepNode>();
        var stack = new Stack<StepNode>(node.Inputs.Select(i => i.Source));
        while (stack.Count > 0)
        {
            StepNode current = stack.Pop();
            if (seen.Add(current))
            {
                yield return current;
                foreach (NodeInput input in current.Inputs)
                {
                    stack.Push(input.Source);
                }
            }
        }
    }
}

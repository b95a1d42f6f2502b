using Experiments.Engine.Diagnostics;
using Experiments.Engine.Spec;
using Experiments.Engine.Util;

namespace Experiments.Engine.Compile;

/// <summary>
/// The sweep dimensions of an experiment and the variants they span. Each <c>sweep[...]</c> found
/// in a step's arguments (directly or through a param) is a dimension; sweeps sharing a group
/// name (<c>sweep.g[...]</c>) form one dimension whose values change together (zip).
/// </summary>
internal sealed class SweepSpace
{
    private const long MaxVariants = 100_000;

    private readonly Dictionary<SweepValue, int> _dimensionOf = new(ReferenceEqualityComparer.Instance);
    private readonly List<Builder> _builders = [];

    public IReadOnlyList<SweepDimension> Dimensions => _builders.Select(b => b.Build()).ToArray();

    public int DimensionOf(SweepValue sweep) => _dimensionOf[sweep];

    /// <summary>Registers every sweep reachable from <paramref name="value"/>; <paramref name="path"/> names it.</summary>
    public void Discover(SpecValue value, string path, Func<string, ParamStatement?> param, HashSet<string> visitedParams, DiagnosticBag diagnostics)
    {
        switch (value)
        {
            case SweepValue sweep:
                Register(sweep, path, diagnostics);
                for (int i = 0; i < sweep.Values.Count; i++)
                {
                    if (sweep.Values[i] is SweepValue nested)
                    {
                        diagnostics.Error(DiagnosticCodes.SweepNotAllowed, nested.Span, "a sweep cannot contain another sweep.");
                    }
                    else
                    {
                        Discover(sweep.Values[i], path, param, visitedParams, diagnostics);
                    }
                }
                break;
            case ListValue list:
                for (int i = 0; i < list.Items.Count; i++)
                {
                    Discover(list.Items[i], $"{path}[{i}]", param, visitedParams, diagnostics);
                }
                break;
            case CallValue call:
                foreach (Argument argument in call.Arguments)
                {
                    Discover(argument.Value, argument.Name is null ? path : $"{path}.{argument.Name}", param, visitedParams, diagnostics);
                }
                break;
            case ReferenceValue { Member: null } reference when param(reference.Name) is { } statement:
                if (visitedParams.Add(reference.Name))
                {
                    Discover(statement.Value, reference.Name, param, visitedParams, diagnostics);
                }
                break;
        }
    }

    private void Register(SweepValue sweep, string path, DiagnosticBag diagnostics)
    {
        if (_dimensionOf.ContainsKey(sweep))
        {
            return;
        }
        if (sweep.Values.Count == 0)
        {
            diagnostics.Error(DiagnosticCodes.SweepNotAllowed, sweep.Span, "a sweep needs at least one value.");
            return;
        }
        Builder? builder = sweep.Group is null ? null : _builders.FirstOrDefault(b => b.Group == sweep.Group);
        if (builder is null)
        {
            string name = sweep.Group ?? path;
            while (_builders.Any(b => b.Name == name))
            {
                name += "'";
            }
            builder = new Builder(name, sweep.Group, sweep.Values.Count, sweep.Span);
            _builders.Add(builder);
        }
        else if (builder.Count != sweep.Values.Count)
        {
            diagnostics.Error(DiagnosticCodes.SweepGroupMismatch, sweep.Span,
                $"sweep group `{sweep.Group}` has {builder.Count} values at {builder.Span}, but this sweep has {sweep.Values.Count}; sweeps of one group change together and need the same number of values.");
            return;
        }
        builder.Members.Add(new SweepMember(path, sweep.Values.Select(Label).ToArray()));
        _dimensionOf[sweep] = _builders.IndexOf(builder);
    }

    /// <summary>
    /// The variants to run: every combination, or a seeded sample of <c>n</c> of them when the
    /// experiment says <c>sweep random(n)</c>. Each variant is one value index per dimension.
    /// </summary>
    public IReadOnlyList<int[]> Variants(SweepSamplingStatement? sampler, long seed, DiagnosticBag diagnostics)
    {
        long total = 1;
        foreach (Builder builder in _builders)
        {
            total = total > MaxVariants ? total : total * builder.Count;
        }
        long? sample = sampler is null ? null : SampleSize(sampler, diagnostics);
        if (sampler is not null && sample is null)
        {
            return [];
        }
        if (sample is null && total > MaxVariants)
        {
            diagnostics.Error(DiagnosticCodes.TooManyVariants, _builders[0].Span,
                $"the sweeps span more than {MaxVariants:N0} variants.", "Sample them with `sweep random(n)`.");
            return [];
        }
        IEnumerable<long> indices;
        if (sample is long n && n < total)
        {
            // Distinct indices drawn from the experiment seed, in ascending order so output is stable.
            var random = new SeededRandom(seed ^ 0x5EED_5A3B_1E00_0001L);
            var chosen = new SortedSet<long>();
            while (chosen.Count < n)
            {
                chosen.Add((long)(random.NextDouble() * total));
            }
            indices = chosen;
        }
        else
        {
            indices = Enumerable.Range(0, (int)total).Select(i => (long)i);
        }
        return indices.Select(Decode).ToArray();
    }

    private int[] Decode(long index)
    {
        var assignment = new int[_builders.Count];
        for (int d = _builders.Count - 1; d >= 0; d--)
        {
            assignment[d] = (int)(index % _builders[d].Count);
            index /= _builders[d].Count;
        }
        return assignment;
    }

    private static long? SampleSize(SweepSamplingStatement sampler, DiagnosticBag diagnostics)
    {
        CallValue call = sampler.Sampler;
        if (call.Name != "random")
        {
            diagnostics.Error(DiagnosticCodes.BadSampler, call.Span, $"unknown sweep sampler `{call.Name}`.",
                Suggestions.DidYouMean(call.Name, ["random"]) ?? "The sampler is `random(n)`.");
            return null;
        }
        if (call.Arguments.Count == 1
            && call.Arguments[0] is { Name: null or "n", Value: NumberValue { Value: var n } }
            && n >= 1 && n == Math.Floor(n))
        {
            return (long)n;
        }
        diagnostics.Error(DiagnosticCodes.BadSampler, call.Span, "`random` takes one whole number of variants, e.g. `sweep random(8)`.");
        return null;
    }

    /// <summary>How a sweep value reads in a variant name: <c>0.0001</c>, <c>lora(rank: 8)</c>.</summary>
    internal static string Label(SpecValue value) => value switch
    {
        NumberValue n => CanonicalValue.FormatNumber(n.Value),
        StringValue s => s.Value,
        BoolValue b => b.Value ? "true" : "false",
        ReferenceValue r => r.Path,
        ListValue l => "[" + string.Join(", ", l.Items.Select(Label)) + "]",
        CallValue c => c.Name + "(" + string.Join(", ", c.Arguments.Select(a => a.Name is null ? Label(a.Value) : $"{a.Name}: {Label(a.Value)}")) + ")",
        _ => "?",
    };

    private sealed class Builder(string name, string? group, int count, SourceSpan span)
    {
        public string Name { get; } = name;

        public string? Group { get; } = group;

        public int Count { get; } = count;

        public SourceSpan Span { get; } = span;

        public List<SweepMember> Members { get; } = [];

        public SweepDimension Build() => new(Name, Count, Members, Span);
    }
}

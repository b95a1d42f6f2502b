using Experiments.Engine.Diagnostics;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;

namespace Experiments.Engine.Compile;

public sealed partial class GraphCompiler
{
    /// <summary>
    /// Instantiates steps variant by variant: resolves params and sweep values, checks arguments
    /// against the kind's schema, and interns each resulting node by its identity.
    /// </summary>
    private sealed class Instantiator(
        ExperimentSpec spec,
        Dictionary<string, StepKind> kinds,
        Dictionary<string, ParamStatement> parameters,
        Dictionary<string, StepDeclaration> declarations,
        SweepSpace space,
        IReadOnlyList<SweepDimension> dimensions,
        DiagnosticBag diagnostics)
    {
        private readonly Dictionary<string, StepNode> _interned = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int[]> _dimensionsOf = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Step, string Assignment), StepNode?> _instantiated = [];
        private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
        private readonly HashSet<string> _pathsChecked = new(StringComparer.Ordinal);

        public List<StepNode> Nodes { get; } = [];

        public void InstantiateVariant(IReadOnlyList<StepDeclaration> order, int[] variant)
        {
            var nodes = new Dictionary<string, StepNode>(StringComparer.Ordinal);
            foreach (StepDeclaration declaration in order)
            {
                if (!kinds.TryGetValue(declaration.Name, out StepKind? kind))
                {
                    continue;
                }
                // A step depends only on the sweep dimensions it can reach; variants that agree on
                // those share one instantiation (a sweep of 2,400 variants does not check a shared
                // prefix step 2,400 times).
                int[] dimensions = DimensionsOf(declaration);
                var memo = (declaration.Name, string.Join(",", dimensions.Select(d => variant[d])));
                if (!_instantiated.TryGetValue(memo, out StepNode? node))
                {
                    node = Instantiate(declaration, kind, variant, nodes);
                    _instantiated[memo] = node;
                }
                if (node is not null)
                {
                    nodes[declaration.Name] = node;
                }
            }
        }

        /// <summary>The sweep dimensions a step's own arguments (through params) and its upstream steps reach.</summary>
        private int[] DimensionsOf(StepDeclaration declaration)
        {
            if (_dimensionsOf.TryGetValue(declaration.Name, out int[]? known))
            {
                return known;
            }
            var found = new SortedSet<int>();
            foreach (SpecValue value in ReachableValues.Of(declaration, declarations, parameters))
            {
                if (value is SweepValue sweep)
                {
                    found.Add(space.DimensionOf(sweep));
                }
                else if (value is ReferenceValue r && declarations.TryGetValue(r.Name, out StepDeclaration? upstream) && upstream != declaration)
                {
                    found.UnionWith(DimensionsOf(upstream));
                }
            }
            int[] dimensions = [.. found];
            _dimensionsOf[declaration.Name] = dimensions;
            return dimensions;
        }

        private StepNode? Instantiate(StepDeclaration declaration, StepKind kind, int[] variant, Dictionary<string, StepNode> nodes)
        {
            StepKindSchema schema = kind.Schema;
            var local = new DiagnosticBag();
            var used = new HashSet<int>();
            var inputs = new List<NodeInput>();
            var values = new SortedDictionary<string, CanonicalValue>(StringComparer.Ordinal);
            var sourceFiles = new List<NodeSourceFile>();
            var given = new HashSet<string>(StringComparer.Ordinal);
            bool blocked = false;
            string owner = $"`{schema.Name}`";

            for (int position = 0; position < declaration.Arguments.Count; position++)
            {
                Argument argument = declaration.Arguments[position];
                InputSpec? input;
                ParamSpec? param = null;
                if (argument.Name is null)
                {
                    // Positional arguments are inputs; a kind without inputs (a source such as
                    // `load("rows.jsonl")`) takes its parameters positionally instead.
                    if (schema.Inputs.Count == 0 && position < schema.Params.Count)
                    {
                        input = null;
                        param = schema.Params[position];
                    }
                    else if (position >= schema.Inputs.Count)
                    {
                        local.Error(DiagnosticCodes.BadArguments, argument.Span,
                            $"{owner} takes {Plural(schema.Inputs.Count, "input")}{InputList(schema)}; name this argument, e.g. `name: value`.");
                        continue;
                    }
                    else
                    {
                        input = schema.Inputs[position];
                    }
                }
                else
                {
                    input = schema.FindInput(argument.Name);
                    param = input is null ? schema.FindParam(argument.Name) : null;
                    if (input is null && param is null)
                    {
                        local.Error(DiagnosticCodes.UnknownParameter, argument.Span,
                            $"{owner} has no parameter or input `{argument.Name}`.",
                            Suggestions.DidYouMean(argument.Name, schema.Params.Select(p => p.Name).Concat(schema.Inputs.Select(i => i.Name)))
                            ?? "Run `exp kinds` to see its parameters.");
                        continue;
                    }
                }
                string name = input?.Name ?? param!.Name;
                if (inputs.Any(i => i.InputName == name) || values.ContainsKey(name) || sourceFiles.Any(f => f.ParamName == name))
                {
                    local.Error(DiagnosticCodes.BadArguments, argument.Span, $"`{name}` is given twice.");
                    continue;
                }

                SpecValue resolved = Resolve(argument.Value, variant, used, 0, local);
                if (input is not null)
                {
                    given.Add(input.Name);
                    if (argument.Value is ReferenceValue { Member: null } named && parameters.ContainsKey(named.Name))
                    {
                        local.Error(DiagnosticCodes.TypeMismatch, argument.Value.Span,
                            $"`{named.Name}` is a param, not a step; {owner} input `{input.Name}` takes a step's {input.Type.ToString().ToLowerInvariant()} output, e.g. `{ExampleName(input)}`.");
                        continue;
                    }
                    NodeInput? edge = ResolveInput(resolved, input, owner, nodes, local, ref blocked);
                    if (edge is not null)
                    {
                        inputs.Add(edge);
                    }
                    continue;
                }

                if (resolved is ReferenceValue { Member: null } word
                    && param!.Type is not (ChoiceType or CallType)
                    && !declarations.ContainsKey(word.Name))
                {
                    local.Error(DiagnosticCodes.UnknownReference, word.Span, $"unknown name `{word.Name}`.",
                        Suggestions.DidYouMean(word.Name, parameters.Keys.Concat(declarations.Keys))
                        ?? (param!.Type == ParamType.String || param.Type == ParamType.Path ? $"Write \"{word.Name}\" for the text." : null));
                    continue;
                }
                CanonicalValue? value = ValueChecker.Check(resolved, param!, owner, local);
                if (value is null)
                {
                    continue;
                }
                values[param!.Name] = value;
                if (param.Type == ParamType.Path && value is StringCanonical relative)
                {
                    string full = Path.GetFullPath(Path.Combine(spec.BaseDirectory, relative.Value));
                    if (_pathsChecked.Add(full) && !File.Exists(full))
                    {
                        local.Error(DiagnosticCodes.FileNotFound, resolved.Span, $"file \"{relative.Value}\" does not exist (looked for {full}).");
                    }
                    sourceFiles.Add(new NodeSourceFile(param.Name, relative.Value, full, resolved.Span));
                }
            }

            // An input given but not resolvable was reported where it was written; only report absent ones.
            foreach (InputSpec input in schema.Inputs.Where(i => i.Required && !given.Contains(i.Name)))
            {
                local.Error(DiagnosticCodes.MissingParameter, declaration.KindSpan,
                    $"{owner} needs input `{input.Name}` ({input.Type.ToString().ToLowerInvariant()}): {input.Doc}");
            }
            foreach (ParamSpec param in schema.Params.Where(p => !values.ContainsKey(p.Name)))
            {
                if (param.Default is null)
                {
                    local.Error(DiagnosticCodes.MissingParameter, declaration.KindSpan,
                        $"{owner} needs parameter `{param.Name}` ({param.Type.Describe()}): {param.Doc}");
                }
                else
                {
                    values[param.Name] = param.Default;
                }
            }

            foreach (Diagnostic diagnostic in local.Items)
            {
                if (_reported.Add(diagnostic.Format()))
                {
                    diagnostics.Add(diagnostic);
                }
            }
            if (local.HasErrors || blocked)
            {
                return null;
            }

            foreach (NodeInput edge in inputs)
            {
                used.UnionWith(edge.Source.Dimensions);
            }
            string identity = Identity(kind, values, inputs);
            if (_interned.TryGetValue(identity, out StepNode? existing))
            {
                return existing;
            }
            var node = new StepNode(Nodes.Count, declaration, kind, values, inputs, sourceFiles, VariantOf(used, variant), used, identity);
            _interned[identity] = node;
            Nodes.Add(node);
            return node;
        }

        private NodeInput? ResolveInput(SpecValue resolved, InputSpec input, string owner, Dictionary<string, StepNode> nodes, DiagnosticBag local, ref bool blocked)
        {
            if (resolved is not ReferenceValue reference)
            {
                local.Error(DiagnosticCodes.TypeMismatch, resolved.Span,
                    $"{owner} input `{input.Name}` takes a step's {input.Type.ToString().ToLowerInvariant()} output, e.g. `{ExampleName(input)}`; found {ValueChecker.Describe(resolved)}.");
                return null;
            }
            if (!declarations.TryGetValue(reference.Name, out StepDeclaration? source))
            {
                local.Error(DiagnosticCodes.UnknownReference, reference.Span, $"no step named `{reference.Name}`.",
                    Suggestions.DidYouMean(reference.Name, declarations.Keys));
                return null;
            }
            if (!kinds.TryGetValue(source.Name, out StepKind? sourceKind))
            {
                blocked = true; // The unknown kind is reported at its declaration.
                return null;
            }
            OutputSpec? output = reference.Member is null ? sourceKind.Schema.DefaultOutput : sourceKind.Schema.FindOutput(reference.Member);
            if (output is null)
            {
                local.Error(DiagnosticCodes.UnknownOutput, reference.Span,
                    $"step `{source.Name}` ({sourceKind.Name}) has no output `{reference.Member}`; its outputs are {string.Join(", ", sourceKind.Schema.Outputs.Select(o => o.Name))}.",
                    Suggestions.DidYouMean(reference.Member!, sourceKind.Schema.Outputs.Select(o => o.Name)));
                return null;
            }
            if (output.Type != input.Type)
            {
                local.Error(DiagnosticCodes.WrongInputType, reference.Span,
                    $"{owner} input `{input.Name}` takes {input.Type.ToString().ToLowerInvariant()}, but `{reference.Path}` is {output.Type.ToString().ToLowerInvariant()}.");
                return null;
            }
            if (!nodes.TryGetValue(source.Name, out StepNode? sourceNode))
            {
                blocked = true; // The upstream step has errors of its own, reported there.
                return null;
            }
            return new NodeInput(input.Name, sourceNode, output.Name, output.Type);
        }

        /// <summary>Substitutes params and picks this variant's value of each sweep.</summary>
        private SpecValue Resolve(SpecValue value, int[] variant, HashSet<int> used, int depth, DiagnosticBag local)
        {
            if (depth > 64)
            {
                local.Error(DiagnosticCodes.Cycle, value.Span, "params refer to each other in a cycle.");
                return value;
            }
            switch (value)
            {
                case SweepValue sweep:
                    int dimension = space.DimensionOf(sweep);
                    used.Add(dimension);
                    return Resolve(sweep.Values[variant[dimension]], variant, used, depth + 1, local);
                case ReferenceValue { Member: null } reference when parameters.TryGetValue(reference.Name, out ParamStatement? param):
                    return Resolve(param.Value, variant, used, depth + 1, local);
                case ListValue list:
                    return list with { Items = list.Items.Select(i => Resolve(i, variant, used, depth + 1, local)).ToEquatableArray() };
                case CallValue call:
                    return call with
                    {
                        Arguments = call.Arguments.Select(a => a with { Value = Resolve(a.Value, variant, used, depth + 1, local) }).ToEquatableArray(),
                    };
                default:
                    return value;
            }
        }

        /// <summary>A variant's whole assignment, labelled as node variants are.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> FullVariant(int[] variant) =>
            VariantOf(Enumerable.Range(0, dimensions.Count).ToHashSet(), variant);

        private IReadOnlyList<KeyValuePair<string, string>> VariantOf(HashSet<int> used, int[] variant)
        {
            var entries = new List<KeyValuePair<string, string>>();
            foreach (int d in used.Order())
            {
                SweepDimension dimension = dimensions[d];
                if (dimension.Members.Count == 1)
                {
                    entries.Add(KeyValuePair.Create(dimension.Name, dimension.Members[0].Labels[variant[d]]));
                }
                else
                {
                    entries.AddRange(dimension.Members.Select(m => KeyValuePair.Create(m.Path, m.Labels[variant[d]])));
                }
            }
            return entries;
        }

        private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

        private static string InputList(StepKindSchema schema) =>
            schema.Inputs.Count == 0 ? string.Empty : $" ({string.Join(", ", schema.Inputs.Select(i => i.Name))})";

        private static string ExampleName(InputSpec input) => input.Type switch
        {
            ArtifactType.Data => "splits.train",
            ArtifactType.Model => "base",
            _ => "name",
        };
    }
}

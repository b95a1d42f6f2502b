using System.Text;
using System.Text.Json;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;

namespace Experiments.Engine.Compile;

/// <summary>
/// Compiles an experiment into a graph of step nodes: applies overrides, checks every step
/// against its kind's schema, orders steps by their references (reporting cycles), expands sweeps
/// into variants and interns identical nodes across variants. Nothing runs here.
/// </summary>
public sealed partial class GraphCompiler(StepKindRegistry registry)
{
    public StepGraph? Compile(ExperimentSpec spec, IReadOnlyList<ParamOverride> overrides, DiagnosticBag diagnostics)
    {
        Dictionary<string, ParamStatement> parameters = CollectParams(spec, overrides, diagnostics);
        Dictionary<string, StepDeclaration> declarations = CollectDeclarations(spec, parameters, diagnostics);
        Dictionary<string, StepKind> kinds = ResolveKinds(declarations.Values, diagnostics);
        IReadOnlyList<StepDeclaration>? order = OrderDeclarations(spec, declarations, parameters, diagnostics);
        if (order is null)
        {
            return null;
        }

        var space = new SweepSpace();
        var visitedParams = new HashSet<string>(StringComparer.Ordinal);
        foreach (StepDeclaration declaration in order)
        {
            foreach (Argument argument in declaration.Arguments)
            {
                string path = $"{declaration.Name}.{argument.Name ?? InputNameAt(kinds, declaration, argument)}";
                space.Discover(argument.Value, path, parameters.GetValueOrDefault, visitedParams, diagnostics);
            }
        }
        CheckGates(spec, declarations, diagnostics);
        if (diagnostics.HasErrors)
        {
            return null;
        }

        IReadOnlyList<int[]> variants = space.Variants(spec.Sampler, spec.Seed, diagnostics);
        if (diagnostics.HasErrors)
        {
            return null;
        }

        IReadOnlyList<SweepDimension> dimensions = space.Dimensions;
        var instantiator = new Instantiator(spec, kinds, parameters, declarations, space, dimensions, diagnostics);
        foreach (int[] variant in variants)
        {
            instantiator.InstantiateVariant(order, variant);
        }
        if (diagnostics.HasErrors)
        {
            return null;
        }
        return new StepGraph(spec, instantiator.Nodes, dimensions, variants.Count, spec.Gates.ToArray())
        {
            Variants = variants.Select(instantiator.FullVariant).ToArray(),
        };
    }

    private static string InputNameAt(Dictionary<string, StepKind> kinds, StepDeclaration declaration, Argument argument)
    {
        int position = declaration.Arguments.AsImmutableArray().IndexOf(argument);
        return kinds.TryGetValue(declaration.Name, out StepKind? kind) && position < kind.Schema.Inputs.Count
            ? kind.Schema.Inputs[position].Name
            : $"#{position}";
    }

    private static Dictionary<string, ParamStatement> CollectParams(ExperimentSpec spec, IReadOnlyList<ParamOverride> overrides, DiagnosticBag diagnostics)
    {
        var parameters = new Dictionary<string, ParamStatement>(StringComparer.Ordinal);
        foreach (ParamStatement param in spec.Params)
        {
            if (!parameters.TryAdd(param.Name, param))
            {
                diagnostics.Error(DiagnosticCodes.DuplicateName, param.Span,
                    $"param `{param.Name}` is already declared at {parameters[param.Name].Span}.");
            }
        }
        foreach (ParamOverride @override in overrides)
        {
            if (parameters.TryGetValue(@override.Name, out ParamStatement? declared))
            {
                parameters[@override.Name] = declared with { Value = @override.Value };
            }
            else
            {
                // The position is the command line itself, not a line of a file.
                diagnostics.Error(DiagnosticCodes.UnknownOverride, new SourceSpan(@override.Value.Span.File, 0, 0),
                    $"`-p {@override.Name}=...` overrides no param of experiment `{spec.Name}`"
                    + (parameters.Count == 0 ? "; it declares none." : $" (its params: {string.Join(", ", parameters.Keys.Order(StringComparer.Ordinal))})."),
                    Suggestions.DidYouMean(@override.Name, parameters.Keys));
            }
        }
        return parameters;
    }

    private static Dictionary<string, StepDeclaration> CollectDeclarations(
        ExperimentSpec spec, Dictionary<string, ParamStatement> parameters, DiagnosticBag diagnostics)
    {
        var declarations = new Dictionary<string, StepDeclaration>(StringComparer.Ordinal);
        foreach (StepDeclaration declaration in spec.Steps)
        {
            if (parameters.TryGetValue(declaration.Name, out ParamStatement? param))
            {
                diagnostics.Error(DiagnosticCodes.DuplicateName, declaration.NameSpan,
                    $"`{declaration.Name}` is already a param (line {param.Span.Line}); steps and params share one namespace.");
            }
            else if (!declarations.TryAdd(declaration.Name, declaration))
            {
                diagnostics.Error(DiagnosticCodes.DuplicateName, declaration.NameSpan,
                    $"step `{declaration.Name}` is already declared at {declarations[declaration.Name].Span}.");
            }
        }
        return declarations;
    }

    private Dictionary<string, StepKind> ResolveKinds(IEnumerable<StepDeclaration> declarations, DiagnosticBag diagnostics)
    {
        var kinds = new Dictionary<string, StepKind>(StringComparer.Ordinal);
        foreach (StepDeclaration declaration in declarations)
        {
            StepKind? kind = registry.Find(declaration.Kind);
            if (kind is null)
            {
                diagnostics.Error(DiagnosticCodes.UnknownKind, declaration.KindSpan,
                    $"unknown step kind `{declaration.Kind}`.",
                    registry.DidYouMean(declaration.Kind) ?? "Run `exp kinds` to list them.");
                continue;
            }
            if (kind.Schema.Category != declaration.Category)
            {
                diagnostics.Error(DiagnosticCodes.WrongCategory, declaration.Span,
                    $"`{kind.Name}` makes {kind.Schema.Category}; declare it as `{kind.Schema.Category} {declaration.Name} = ...`, not `{declaration.Category}`.");
            }
            kinds[declaration.Name] = kind;
        }
        return kinds;
    }

    private static void CheckGates(ExperimentSpec spec, Dictionary<string, StepDeclaration> declarations, DiagnosticBag diagnostics)
    {
        foreach (GateStatement gate in spec.Gates)
        {
            if (!declarations.ContainsKey(gate.Target.Name))
            {
                diagnostics.Error(DiagnosticCodes.BadGate, gate.Target.Span,
                    $"gate on `{gate.Target.Path}`, but there is no step `{gate.Target.Name}`.",
                    Suggestions.DidYouMean(gate.Target.Name, declarations.Keys));
            }
            if (gate.Condition is ComparisonCondition { Threshold: not NumberValue } comparison)
            {
                diagnostics.Error(DiagnosticCodes.BadGate, comparison.Threshold.Span,
                    $"a gate compares with a number, found {ValueChecker.Describe(comparison.Threshold)}.");
            }
            if (gate.Condition is NoRegressionCondition noRegression)
            {
                NoRegressionArguments.Parse(noRegression, diagnostics);
            }
        }
    }

    /// <summary>Steps in dependency order; a cycle is reported with its whole chain.</summary>
    private static IReadOnlyList<StepDeclaration>? OrderDeclarations(
        ExperimentSpec spec,
        Dictionary<string, StepDeclaration> declarations,
        Dictionary<string, ParamStatement> parameters,
        DiagnosticBag diagnostics)
    {
        var dependencies = declarations.Values.ToDictionary(
            d => d.Name,
            d => References(d, declarations, parameters).Distinct().ToArray());
        var order = new List<StepDeclaration>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new Stack<string>();
        bool cyclic = false;

        void Visit(string name)
        {
            if (state.GetValueOrDefault(name) == 2 || cyclic)
            {
                return;
            }
            if (state.GetValueOrDefault(name) == 1)
            {
                string[] chain = path.Reverse().SkipWhile(n => n != name).Append(name).ToArray();
                StepDeclaration first = declarations[name];
                diagnostics.Error(DiagnosticCodes.Cycle, first.NameSpan,
                    $"steps depend on each other in a cycle: {string.Join(" → ", chain)}.");
                cyclic = true;
                return;
            }
            state[name] = 1;
            path.Push(name);
            foreach (string dependency in dependencies[name])
            {
                Visit(dependency);
            }
            path.Pop();
            state[name] = 2;
            order.Add(declarations[name]);
        }

        // Visit in source order so the order of independent steps is the order they were written.
        foreach (StepDeclaration declaration in spec.Steps.Where(s => declarations.GetValueOrDefault(s.Name) == s))
        {
            Visit(declaration.Name);
        }
        return cyclic ? null : order;
    }

    private static IEnumerable<string> References(StepDeclaration declaration, Dictionary<string, StepDeclaration> declarations, Dictionary<string, ParamStatement> parameters) =>
        ReachableValues.Of(declaration, declarations, parameters)
            .OfType<ReferenceValue>()
            .Where(r => declarations.ContainsKey(r.Name))
            .Select(r => r.Name);

    /// <summary>The interning identity of a node: canonical JSON of everything that defines it.</summary>
    internal static string Identity(StepKind kind, IReadOnlyDictionary<string, CanonicalValue> parameters, IReadOnlyList<NodeInput> inputs)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", kind.Name);
            writer.WriteNumber("version", kind.Schema.Version);
            writer.WriteStartObject("params");
            foreach ((string name, CanonicalValue value) in parameters)
            {
                writer.WritePropertyName(name);
                value.Write(writer);
            }
            writer.WriteEndObject();
            writer.WriteStartObject("inputs");
            foreach (NodeInput input in inputs.OrderBy(i => i.InputName, StringComparer.Ordinal))
            {
                writer.WriteString(input.InputName, $"{input.Source.Index}.{input.OutputName}");
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

using System.Text.Json;
using Experiments.Dsl;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Spec;

namespace Experiments.Cli.Frontend;

/// <summary>
/// Reads the items file the MSBuild task writes from an experiment project's <c>&lt;Step&gt;</c>,
/// <c>&lt;Param&gt;</c> and <c>&lt;Gate&gt;</c> items into the same <see cref="ExperimentSpec"/> the DSL
/// produces. Every value is DSL value text (<c>0.8</c>, <c>reviews</c>, <c>lora(rank: 8)</c>,
/// <c>sweep[1e-4, 3e-4]</c>); every span points at the project file's element (or attribute), so
/// diagnostics land on the right line of the <c>.exproj</c>.
/// </summary>
/// <remarks>
/// Format: <c>{ "experiment", "file", "seed"?, "params": [{name, value, file, line, column}],
/// "steps": [{name, category, kind, arguments: [{name|null, value, line?, column?}], file, line, column}],
/// "gates": [{target, operator, threshold, file, line, column}] }</c>.
/// </remarks>
internal static class ItemsSpecReader
{
    public static bool IsItemsFile(string path) => path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    public static ExperimentSpec? Read(string path, DiagnosticBag diagnostics)
    {
        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            root = document.RootElement.Clone();
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            diagnostics.Error(DiagnosticCodes.BadDocument, new SourceSpan(path, 0, 0), $"cannot read the items file: {e.Message}");
            return null;
        }

        string file = Text(root, "file") ?? path;
        var projectSpan = new SourceSpan(file, 1, 1);
        string? name = Text(root, "experiment");
        if (string.IsNullOrWhiteSpace(name))
        {
            diagnostics.Error(DiagnosticCodes.BadDocument, projectSpan, "the experiment project has no name (set `ExperimentName`).");
            return null;
        }
        long seed = root.TryGetProperty("seed", out JsonElement seedElement) && seedElement.ValueKind == JsonValueKind.Number
            ? seedElement.GetInt64()
            : 0;

        var parameters = new List<ParamStatement>();
        foreach (JsonElement item in Array(root, "params"))
        {
            SourceSpan span = SpanOf(item, file);
            string paramName = Text(item, "name") ?? string.Empty;
            if (Value(item, "value", span, $"param `{paramName}`", "Value", diagnostics) is { } value)
            {
                parameters.Add(new ParamStatement(paramName, value, span));
            }
        }

        var steps = new List<StepDeclaration>();
        foreach (JsonElement item in Array(root, "steps"))
        {
            SourceSpan span = SpanOf(item, file);
            string stepName = Text(item, "name") ?? string.Empty;
            string? kind = Text(item, "kind");
            if (string.IsNullOrWhiteSpace(kind))
            {
                diagnostics.Error(DiagnosticCodes.BadDocument, span, $"step `{stepName}` has no `Kind` metadata.",
                    "Write it as <Step Include=\"name\" Kind=\"split\" ... />.");
                continue;
            }
            var arguments = new List<Argument>();
            bool valid = true;
            foreach (JsonElement argument in Array(item, "arguments"))
            {
                string? argumentName = Text(argument, "name");
                SourceSpan argumentSpan = SpanOf(argument, file, span);
                string what = argumentName is null ? $"an input of step `{stepName}`" : $"`{argumentName}` of step `{stepName}`";
                SpecValue? value = Value(argument, "value", argumentSpan, what, argumentName, diagnostics);
                if (value is null)
                {
                    valid = false;
                    continue;
                }
                arguments.Add(new Argument(argumentName, value, argumentSpan));
            }
            if (valid)
            {
                string category = Text(item, "category") is { Length: > 0 } c ? c : "data";
                steps.Add(new StepDeclaration(category, stepName, kind, arguments.ToEquatableArray(), span, span, span));
            }
        }

        var gates = new List<GateStatement>();
        foreach (JsonElement item in Array(root, "gates"))
        {
            SourceSpan span = SpanOf(item, file);
            string targetText = Text(item, "target") ?? string.Empty;
            SpecValue? target = Value(item, "target", span, "the gate's target", null, diagnostics);
            SpecValue? threshold = Value(item, "threshold", span, $"the threshold of gate `{targetText}`", null, diagnostics);
            if (target is null || threshold is null)
            {
                continue;
            }
            if (target is not ReferenceValue reference)
            {
                diagnostics.Error(DiagnosticCodes.BadGate, span, $"a gate's target must be a name such as `scores.accuracy`, found `{targetText}`.");
                continue;
            }
            string op = Text(item, "operator") ?? ">=";
            gates.Add(new GateStatement(reference, new ComparisonCondition(op, threshold, span), span));
        }

        SweepSamplingStatement? sampler = null;
        foreach (JsonElement item in Array(root, "samplers"))
        {
            SourceSpan span = SpanOf(item, file);
            if (sampler is not null)
            {
                diagnostics.Error(DiagnosticCodes.BadSampler, span, $"the sweep sampler is already set at {sampler.Span}.");
                continue;
            }
            string samplerName = Text(item, "sampler") ?? string.Empty;
            SpecValue? count = Value(item, "n", span, $"N of sweep sampler `{samplerName}`", null, diagnostics);
            if (count is not null)
            {
                // The compiler checks the name (`random`) and the count, as for `sweep random(n)` in a file.
                var call = new CallValue(samplerName, EquatableArray.Create(new Argument(null, count, span)), span);
                sampler = new SweepSamplingStatement(call, span);
            }
        }

        return new ExperimentSpec(
            name,
            file,
            seed,
            parameters.ToEquatableArray(),
            steps.ToEquatableArray(),
            gates.ToEquatableArray(),
            sampler,
            projectSpan);
    }

    private static SpecValue? Value(JsonElement item, string property, SourceSpan span, string what, string? metadata, DiagnosticBag diagnostics)
    {
        string? text = Text(item, property);
        if (text is null)
        {
            diagnostics.Error(DiagnosticCodes.BadDocument, span, $"{what} has no value.");
            return null;
        }
        (SpecValue? value, IReadOnlyList<Diagnostic> parsed) = ExperimentParser.ParseValue(text, span.File);
        if (value is null || parsed.Any(d => d.IsError))
        {
            // The parser's column is inside the attribute's text; the element's position is what the user can click.
            foreach (Diagnostic diagnostic in parsed)
            {
                diagnostics.Add(diagnostic with { Span = span, Message = $"in {what} (`{text}`): {diagnostic.Message}" });
            }
            return null;
        }
        return SpanRelocator.Relocate(value, span);
    }

    private static string? Text(JsonElement item, string property) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static IEnumerable<JsonElement> Array(JsonElement item, string property) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    private static SourceSpan SpanOf(JsonElement item, string file, SourceSpan? fallback = null)
    {
        int line = item.TryGetProperty("line", out JsonElement l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : 0;
        int column = item.TryGetProperty("column", out JsonElement c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
        string itemFile = Text(item, "file") ?? fallback?.File ?? file;
        if (line <= 0)
        {
            return fallback ?? new SourceSpan(itemFile, 1, 1);
        }
        return new SourceSpan(itemFile, line, Math.Max(1, column));
    }

    /// <summary>Moves every span of a parsed value onto one position (the item's element or attribute).</summary>
    private static class SpanRelocator
    {
        public static SpecValue Relocate(SpecValue value, SourceSpan span) => value switch
        {
            NumberValue v => v with { Span = span },
            StringValue v => v with { Span = span },
            BoolValue v => v with { Span = span },
            ReferenceValue v => v with { Span = span },
            ListValue v => v with { Items = v.Items.Select(i => Relocate(i, span)).ToEquatableArray(), Span = span },
            SweepValue v => v with { Values = v.Values.Select(i => Relocate(i, span)).ToEquatableArray(), Span = span },
            CallValue v => v with { Arguments = v.Arguments.Select(a => new Argument(a.Name, Relocate(a.Value, span), span)).ToEquatableArray(), Span = span },
            _ => value,
        };
    }
}

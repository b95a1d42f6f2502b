using Experiments.Dsl;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;

namespace Experiments.Cli.Frontend;

/// <summary>
/// The front end of every command: reads the experiment file and its imports, applies
/// <c>-p name=value</c> overrides and compiles the graph. Mistakes come back as diagnostics.
/// </summary>
internal sealed class ExperimentLoader(StepKindRegistry registry)
{
    public (StepGraph? Graph, IReadOnlyList<Diagnostic> Diagnostics) Load(string file, IReadOnlyList<string> overrides)
    {
        var diagnostics = new DiagnosticBag();
        if (!File.Exists(file))
        {
            diagnostics.Error(DiagnosticCodes.ImportFailed, new SourceSpan(file, 0, 0), $"no experiment file `{file}`.");
            return (null, diagnostics.Items);
        }
        ExperimentSpec? spec;
        if (ItemsSpecReader.IsItemsFile(file))
        {
            // An items file written by the MSBuild task from an experiment project's items.
            spec = ItemsSpecReader.Read(file, diagnostics);
        }
        else
        {
            var assembler = new SpecAssembler(path =>
            {
                ParseResult parsed = ExperimentParser.Parse(File.ReadAllText(path), path);
                return (parsed.Document, parsed.Diagnostics);
            });
            spec = assembler.Assemble(file, diagnostics);
        }
        IReadOnlyList<ParamOverride> parsed = ParseOverrides(overrides, diagnostics);
        if (spec is null || diagnostics.HasErrors)
        {
            return (null, diagnostics.Items);
        }
        StepGraph? graph = new GraphCompiler(registry).Compile(spec, parsed, diagnostics);
        return (graph, diagnostics.Items);
    }

    /// <summary>Parses <c>name=value</c>; the value uses the DSL's value syntax, a comma list is a sweep.</summary>
    public static IReadOnlyList<ParamOverride> ParseOverrides(IReadOnlyList<string> overrides, DiagnosticBag diagnostics)
    {
        var parsed = new List<ParamOverride>();
        foreach (string text in overrides)
        {
            int equals = text.IndexOf('=');
            string source = $"-p {text}";
            if (equals <= 0)
            {
                diagnostics.Error(DiagnosticCodes.BadOverrideValue, new SourceSpan(source, 0, 0),
                    $"expected `-p name=value`, found `{text}`.");
                continue;
            }
            string name = text[..equals].Trim();
            (SpecValue? value, IReadOnlyList<Diagnostic> valueDiagnostics) = ExperimentParser.ParseValue(text[(equals + 1)..], source);
            if (value is null || valueDiagnostics.Any(d => d.IsError))
            {
                diagnostics.AddRange(valueDiagnostics.Select(d => d with { Code = DiagnosticCodes.BadOverrideValue }));
                continue;
            }
            parsed.Add(new ParamOverride(name, value));
        }
        return parsed;
    }
}

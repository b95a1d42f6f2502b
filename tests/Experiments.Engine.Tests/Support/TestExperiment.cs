using Experiments.Dsl;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;

namespace Experiments.Engine.Tests.Support;

/// <summary>Compiles experiment text written in a temp folder, the way the CLI does.</summary>
internal static class TestExperiment
{
    public static (StepGraph? Graph, IReadOnlyList<Diagnostic> Diagnostics) Compile(
        string text, StepKindRegistry registry, IReadOnlyList<string>? overrides = null, string? directory = null)
    {
        directory ??= Directory.CreateTempSubdirectory("exp-test-").FullName;
        string file = Path.Combine(directory, "test.exp");
        File.WriteAllText(file, text);
        return CompileFile(file, registry, overrides);
    }

    public static (StepGraph? Graph, IReadOnlyList<Diagnostic> Diagnostics) CompileFile(
        string file, StepKindRegistry registry, IReadOnlyList<string>? overrides = null)
    {
        var diagnostics = new DiagnosticBag();
        ExperimentSpec? spec = new SpecAssembler(path =>
        {
            ParseResult parsed = ExperimentParser.Parse(File.ReadAllText(path), path);
            return (parsed.Document, parsed.Diagnostics);
        }).Assemble(file, diagnostics);
        var parsed = new List<ParamOverride>();
        foreach (string o in overrides ?? [])
        {
            int equals = o.IndexOf('=');
            (SpecValue? value, IReadOnlyList<Diagnostic> d) = ExperimentParser.ParseValue(o[(equals + 1)..], "-p " + o);
            diagnostics.AddRange(d);
            if (value is not null)
            {
                parsed.Add(new ParamOverride(o[..equals], value));
            }
        }
        if (spec is null || diagnostics.HasErrors)
        {
            return (null, diagnostics.Items);
        }
        StepGraph? graph = new GraphCompiler(registry).Compile(spec, parsed, diagnostics);
        return (graph, diagnostics.Items);
    }

    public static StepGraph CompileOk(string text, StepKindRegistry registry, IReadOnlyList<string>? overrides = null, string? directory = null)
    {
        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = Compile(text, registry, overrides, directory);
        Assert.True(graph is not null, string.Join("\n", diagnostics.Select(d => d.Format())));
        return graph!;
    }

    public static StepKindRegistry Registry(params StepKind[] kinds) => new(kinds);
}

using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Kinds;
using Experiments.Engine.Tests.Support;

namespace Experiments.Engine.Tests.Compile;

public sealed class GraphCompilerTests
{
    private readonly StepKindRegistry _registry = TestExperiment.Registry(new TextKind("make"), new TextKind("mix"));

    [Fact]
    public void Cartesian_sweeps_expand_and_shared_prefix_is_one_node()
    {
        StepGraph graph = TestExperiment.CompileOk("""
            experiment e {
              data a = make(size: 2)
              data b = mix(a, rate: sweep[0.1, 0.2, 0.3])
              data c = mix(b, label: sweep["p", "q"])
            }
            """, _registry);

        Assert.Equal(6, graph.VariantCount);
        Assert.Single(graph.Nodes, n => n.Name == "a");
        Assert.Equal(3, graph.Nodes.Count(n => n.Name == "b"));
        Assert.Equal(6, graph.Nodes.Count(n => n.Name == "c"));
        StepNode first = graph.Nodes.First(n => n.Name == "c");
        Assert.Equal("c[b.rate=0.1,c.label=p]", first.Id);
        Assert.Empty(graph.Nodes.Single(n => n.Name == "a").Variant);
    }

    [Fact]
    public void Zip_groups_change_together()
    {
        StepGraph graph = TestExperiment.CompileOk("""
            experiment e {
              data a = make(size: sweep.g[1, 2, 3], rate: sweep.g[0.1, 0.2, 0.3])
            }
            """, _registry);

        Assert.Equal(3, graph.VariantCount);
        Assert.Equal(["a[a.size=1,a.rate=0.1]", "a[a.size=2,a.rate=0.2]", "a[a.size=3,a.rate=0.3]"], graph.Nodes.Select(n => n.Id));
    }

    [Fact]
    public void Zip_group_of_unequal_length_is_an_error()
    {
        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = TestExperiment.Compile("""
            experiment e {
              data a = make(size: sweep.g[1, 2, 3], rate: sweep.g[0.1, 0.2])
            }
            """, _registry);

        Assert.Null(graph);
        Diagnostic error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.SweepGroupMismatch, error.Code);
        Assert.Equal((2, 47), (error.Span.Line, error.Span.Column));
    }

    [Fact]
    public void Random_sampler_is_seeded_and_picks_distinct_variants()
    {
        const string text = """
            experiment e {
              seed 7
              sweep random(5)
              data a = make(size: sweep[1, 2, 3, 4], rate: sweep[0.1, 0.2, 0.3, 0.4])
            }
            """;
        StepGraph first = TestExperiment.CompileOk(text, _registry);
        StepGraph again = TestExperiment.CompileOk(text, _registry);
        StepGraph otherSeed = TestExperiment.CompileOk(text.Replace("seed 7", "seed 8"), _registry);

        Assert.Equal(5, first.VariantCount);
        Assert.Equal(5, first.Nodes.Select(n => n.Id).Distinct().Count());
        Assert.Equal(first.Nodes.Select(n => n.Id), again.Nodes.Select(n => n.Id));
        Assert.NotEqual(first.Nodes.Select(n => n.Id), otherSeed.Nodes.Select(n => n.Id));
    }

    [Fact]
    public void Param_sweep_is_one_dimension_shared_by_its_users_and_overridable()
    {
        const string text = """
            experiment e {
              param r = sweep[0.1, 0.2]
              data a = make(rate: r)
              data b = mix(a, rate: r)
            }
            """;
        StepGraph graph = TestExperiment.CompileOk(text, _registry);
        Assert.Equal(2, graph.VariantCount);
        Assert.Equal(["a[r=0.1]", "b[r=0.1]", "a[r=0.2]", "b[r=0.2]"], graph.Nodes.Select(n => n.Id));

        StepGraph single = TestExperiment.CompileOk(text, _registry, ["r=0.5"]);
        Assert.Equal(1, single.VariantCount);
        Assert.Equal(0.5, ((NumberCanonical)single.Nodes[0].Params["rate"]).Value);

        StepGraph three = TestExperiment.CompileOk(text, _registry, ["r=1,2,3"]);
        Assert.Equal(3, three.VariantCount);
    }

    [Fact]
    public void Defaults_are_explicit_and_numbers_canonical()
    {
        StepGraph graph = TestExperiment.CompileOk("experiment e { data a = make(rate: 1e-4, method: lora) }", _registry);
        StepNode node = graph.Nodes.Single();
        Assert.Equal(["fail", "label", "method", "mode", "rate", "size"], node.Params.Keys);
        Assert.Equal("0.0001", node.Params["rate"].Display());
        Assert.Equal("lora(rank: 8)", node.Params["method"].Display());
        Assert.Equal("3", node.Params["size"].Display());
    }

    [Fact]
    public void Identical_steps_in_one_variant_collapse_into_one_node()
    {
        StepGraph graph = TestExperiment.CompileOk("""
            experiment e {
              data a = make(size: 2, rate: 0.5)
              data b = make(rate: 5e-1, size: 2.0)
            }
            """, _registry);
        Assert.Single(graph.Nodes);
    }

    [Theory]
    [InlineData("data a = mak(size: 1)", DiagnosticCodes.UnknownKind, "Did you mean `make`?")]
    [InlineData("data a = make(sise: 1)", DiagnosticCodes.UnknownParameter, "Did you mean `size`?")]
    [InlineData("data a = make(size: 0.5)", DiagnosticCodes.TypeMismatch, "expects an int")]
    [InlineData("data a = make(size: -1)", DiagnosticCodes.OutOfRange, "between 0 and 1000000")]
    [InlineData("data a = make(mode: uper)", DiagnosticCodes.OutOfRange, "Did you mean `upper`?")]
    [InlineData("data a = make()\n  data b = mix(aa)", DiagnosticCodes.UnknownReference, "Did you mean `a`?")]
    [InlineData("data a = make()\n  data b = mix(a.outt)", DiagnosticCodes.UnknownOutput, "Did you mean `out`?")]
    [InlineData("model a = make()", DiagnosticCodes.WrongCategory, "declare it as `data a")]
    [InlineData("data a = mix(b)\n  data b = mix(a)", DiagnosticCodes.Cycle, "a → b → a")]
    [InlineData("data a = make()\n  data a = make()", DiagnosticCodes.DuplicateName, "already declared")]
    [InlineData("data a = make(size: sise)", DiagnosticCodes.UnknownReference, "unknown name `sise`")]
    [InlineData("data a = make(method: lora(rnak: 2))", DiagnosticCodes.UnknownParameter, "Did you mean `rank`?")]
    [InlineData("data a = make()\n  data b = mix(a, a)", DiagnosticCodes.BadArguments, "takes 1 input")]
    [InlineData("data a = make(label: 3)", DiagnosticCodes.TypeMismatch, "expects a string")]
    public void Semantic_mistakes_are_diagnostics_with_hints(string body, string code, string expected)
    {
        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = TestExperiment.Compile($"experiment e {{\n  {body}\n}}", _registry);

        Assert.Null(graph);
        Diagnostic first = diagnostics.First(d => d.IsError);
        Assert.Equal(code, first.Code);
        Assert.Contains(expected, first.Format());
        Assert.True(first.Span.Line >= 2, first.Format());
    }

    [Fact]
    public void An_unresolvable_input_is_one_error_not_a_cascade()
    {
        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = TestExperiment.Compile(
            "experiment e {\n  data a = make()\n  data b = mix(aa)\n  data c = mix(b)\n}", _registry);
        Assert.Null(graph);
        Diagnostic error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.UnknownReference, error.Code);
    }

    [Fact]
    public void Unknown_override_suggests_the_nearest_param()
    {
        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = TestExperiment.Compile(
            "experiment e {\n  param rate = 0.1\n  data a = make(rate: rate)\n}", _registry, ["rte=0.2"]);
        Assert.Null(graph);
        Diagnostic error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.UnknownOverride, error.Code);
        Assert.Contains("Did you mean `rate`?", error.Format());
    }

    [Fact]
    public void Imports_bring_params_and_steps()
    {
        string directory = Directory.CreateTempSubdirectory("exp-import-").FullName;
        File.WriteAllText(Path.Combine(directory, "common.exp"), "param size = 4\ndata base = make(size: size)\n");
        StepGraph graph = TestExperiment.CompileOk("import \"common.exp\"\nexperiment e {\n  data top = mix(base)\n}", _registry, ["size=5"], directory);
        Assert.Equal(["base", "top"], graph.Nodes.Select(n => n.Name));
        Assert.Equal("5", graph.Nodes[0].Params["size"].Display());
    }

    [Fact]
    public void Import_cycle_is_reported_at_the_import()
    {
        string directory = Directory.CreateTempSubdirectory("exp-import-").FullName;
        File.WriteAllText(Path.Combine(directory, "a.exp"), "import \"b.exp\"\n");
        File.WriteAllText(Path.Combine(directory, "b.exp"), "import \"a.exp\"\n");
        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = TestExperiment.Compile("import \"a.exp\"\nexperiment e { }", _registry, directory: directory);
        Assert.Null(graph);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.ImportFailed && d.Message.Contains("import cycle"));
    }
}

using Experiments.Dsl;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Steps;
using Experiments.Training.Kinds;

namespace Experiments.Training.Tests.Evaluation;

/// <summary>Metric names are checked when the experiment compiles, before anything trains.</summary>
public sealed class EvaluationCompileTests
{
    private const string Head = """
        experiment e {
          data d = generate.sentiment(examples: 100)
          model t = tokenizer(d, type: "char")
          model b = pretrain(d, t, max_steps: 1)
          model c = finetune(b, d, objective: "classify", max_steps: 1)

        """;

    private static IReadOnlyList<Diagnostic> Compile(string body)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("exp-eval-compile-").FullName, "e.exp");
        File.WriteAllText(file, Head + body + "\n}\n");
        var diagnostics = new DiagnosticBag();
        ExperimentSpec? spec = new SpecAssembler(path =>
        {
            ParseResult parsed = ExperimentParser.Parse(File.ReadAllText(path), path);
            return (parsed.Document, parsed.Diagnostics);
        }).Assemble(file, diagnostics);
        Assert.NotNull(spec);
        new GraphCompiler(new StepKindRegistry([.. BuiltInKinds.All, .. TrainingKinds.All])).Compile(spec, [], diagnostics);
        return diagnostics.Items;
    }

    [Fact]
    public void The_sketch_of_the_design_compiles()
    {
        IReadOnlyList<Diagnostic> diagnostics = Compile("""
              eval  scores = evaluate(c, d, metrics: [accuracy, f1, auc, ece], bootstrap_iters: 100)
              audit fair   = audit(c, d, attribute: "group", counterfactual: "gender", metrics: [demographic_parity, equal_opportunity])
              gate scores.accuracy >= 0.80
              gate fair.demographic_parity <= 0.05
            """);

        Assert.Empty(diagnostics);
    }

    [Theory]
    [InlineData("eval s = evaluate(c, d, metrics: [acuracy])", "acuracy", "Did you mean `accuracy`?")]
    [InlineData("eval s = evaluate(c, d, metrics: [accuracy, rougel])", "rougel", "Did you mean `rougeL`?")]
    [InlineData("audit f = audit(c, d, metrics: [demographic_parity, equal_oportunity])", "equal_oportunity", "Did you mean `equal_opportunity`?")]
    [InlineData("audit f = audit(c, d, counterfactual: \"gendr\")", "gendr", "Did you mean `gender`?")]
    public void A_misspelt_metric_is_a_diagnostic_at_its_position_with_the_nearest_name(string line, string wrong, string hint)
    {
        IReadOnlyList<Diagnostic> diagnostics = Compile("  " + line);

        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.OutOfRange, diagnostic.Code);
        Assert.Contains($"found `{wrong}`", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(hint, diagnostic.Hint);
        Assert.Equal(Head.Count(c => c == '\n') + 1, diagnostic.Span.Line);
        Assert.Equal(3 + line.IndexOf(wrong, StringComparison.Ordinal) - (line.Contains('"') && wrong == "gendr" ? 1 : 0), diagnostic.Span.Column);
    }
}

using Experiments.Engine.Spec;

namespace Experiments.Dsl.Tests;

/// <summary>Every node knows its file, line, column and length, so later diagnostics can point at it.</summary>
public sealed class SpanTests
{
    private const string Text =
        "# header\n" +                                             // line 1
        "experiment demo {\n" +                                    // line 2
        "  data reviews = generate.sentiment(examples: 40)\n" +    // line 3
        "  model ft = finetune(reviews,\n" +                       // line 4
        "      lr: sweep[1e-4, 3e-4])\n" +                         // line 5
        "  gate ft.loss <= 0.5\n" +                                // line 6
        "}\n";

    private static readonly ExperimentDocument Doc = ParserTests.ParseOk(Text, "demo.exp");

    [Fact]
    public void Experiment_name() => Assert.Equal(new SourceSpan("demo.exp", 2, 12, 4), Doc.NameSpan);

    [Fact]
    public void Declaration_name_kind_and_whole()
    {
        var step = (StepDeclaration)Doc.Statements[0];

        Assert.Equal(new SourceSpan("demo.exp", 3, 3, 47), step.Span);
        Assert.Equal(new SourceSpan("demo.exp", 3, 8, 7), step.NameSpan);
        Assert.Equal(new SourceSpan("demo.exp", 3, 18, 18), step.KindSpan);
    }

    [Fact]
    public void Arguments_and_values()
    {
        var step = (StepDeclaration)Doc.Statements[0];
        Argument examples = step.Arguments[0];

        Assert.Equal(new SourceSpan("demo.exp", 3, 37, 12), examples.Span);
        Assert.Equal(new SourceSpan("demo.exp", 3, 47, 2), examples.Value.Span);
    }

    [Fact]
    public void Multi_line_statement_and_nested_values()
    {
        var step = (StepDeclaration)Doc.Statements[1];
        var sweep = (SweepValue)step.Arguments[1].Value;

        Assert.Equal((4, 3), (step.Span.Line, step.Span.Column));
        Assert.Equal(new SourceSpan("demo.exp", 5, 11, 17), sweep.Span);
        Assert.Equal(new SourceSpan("demo.exp", 5, 23, 4), sweep.Values[1].Span);
    }

    [Fact]
    public void Gate_target_and_condition()
    {
        var gate = (GateStatement)Doc.Statements[2];

        Assert.Equal(new SourceSpan("demo.exp", 6, 3, 19), gate.Span);
        Assert.Equal(new SourceSpan("demo.exp", 6, 8, 7), gate.Target.Span);
        Assert.Equal(new SourceSpan("demo.exp", 6, 16, 6), gate.Condition.Span);
    }

    [Fact]
    public void Error_points_at_the_token_not_the_statement()
    {
        ParseResult result = ExperimentParser.Parse("experiment e {\n  model m = finetune(base,\n     lr 3)\n}", "x.exp");
        Assert.Equal(new SourceSpan("x.exp", 3, 9, 1), result.Diagnostics[0].Span);
    }
}

using Experiments.Engine.Spec;

namespace Experiments.Dsl.Tests;

/// <summary>Each construct of the language parses to the spec record it stands for.</summary>
public sealed class ParserTests
{
    private const string Example = """
        # comment to end of line
        import "common.exp"
        experiment sentiment {
          seed 1234
          param lr = 3e-4                       // overridable
          param methods = sweep[lora(rank: 8, alpha: 16), full()]
          data reviews = generate.sentiment(examples: 4000, groups: ["female", "male"], label_noise: 0.05)
          data splits  = split(reviews, train: 0.8, val: 0.1, test: 0.1, stratify: "label")
          model ft     = finetune(base, splits.train, val: splits.val, method: methods,
                                  lr: sweep[1e-4, 3e-4], warmup: sweep.opt[100, 50], wd: sweep.opt[0.0, 0.1],
                                  schedule: cosine(warmup: 0.1), clip: 1.0, bf16: true, targets: [q_proj, v_proj],)
          eval  scores = evaluate(ft, splits.test, metrics: [accuracy, f1])
          audit fair   = audit(ft, splits.test, attribute: "group")
          gate scores.accuracy >= 0.80
          gate scores.accuracy no_regression(baseline: "baselines/sentiment.json", tolerance: 0.01, alpha: 0.05)
          import "more.exp"
          sweep random(8)
        }
        # trailing comment
        """;

    internal static ExperimentDocument ParseOk(string text, string path = "test.exp")
    {
        ParseResult result = ExperimentParser.Parse(text, path);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics.Select(d => d.Format())));
        return result.Document!;
    }

    private static T Single<T>(string body) where T : Statement =>
        Assert.IsType<T>(Assert.Single(ParseOk($"experiment e {{\n{body}\n}}").Statements));

    [Fact]
    public void Full_example_parses_in_source_order()
    {
        ExperimentDocument doc = ParseOk(Example);

        Assert.Equal("sentiment", doc.Name);
        Assert.Equal("test.exp", doc.Path);
        Assert.Equal(
            ["Import", "Seed", "Param", "Param", "Step", "Step", "Step", "Step", "Step", "Gate", "Gate", "Import", "SweepSampling"],
            doc.Statements.Select(s => s.GetType().Name.Replace("Statement", string.Empty).Replace("Declaration", string.Empty)));
    }

    [Fact]
    public void Seed_is_a_long() => Assert.Equal(1234L, Single<SeedStatement>("seed 1234").Seed);

    [Fact]
    public void Param_keeps_number_text_and_value()
    {
        ParamStatement param = Single<ParamStatement>("param lr = 3e-4");
        NumberValue number = Assert.IsType<NumberValue>(param.Value);

        Assert.Equal("lr", param.Name);
        Assert.Equal("3e-4", number.Text);
        Assert.Equal(3e-4, number.Value);
    }

    [Theory]
    [InlineData("8", 8.0)]
    [InlineData("-3", -3.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("1e-4", 1e-4)]
    [InlineData("2.5E+3", 2500.0)]
    public void Numbers(string text, double value)
    {
        NumberValue number = Assert.IsType<NumberValue>(Single<ParamStatement>($"param x = {text}").Value);
        Assert.Equal(value, number.Value);
        Assert.Equal(text, number.Text);
    }

    [Fact]
    public void Strings_decode_escapes() =>
        Assert.Equal("a\"b\\c\nd\te", Assert.IsType<StringValue>(Single<ParamStatement>("""param s = "a\"b\\c\nd\te" """).Value).Value);

    [Fact]
    public void Booleans_lists_calls_and_references()
    {
        StepDeclaration step = Single<StepDeclaration>(
            "model ft = finetune(base, splits.train, bf16: true, off: false, targets: [q_proj, v_proj], schedule: cosine(warmup: 0.1))");

        Assert.Equal(("model", "ft", "finetune"), (step.Category, step.Name, step.Kind));
        Assert.Equal(new ReferenceValue("base", null, step.Arguments[0].Value.Span), step.Arguments[0].Value);
        ReferenceValue member = Assert.IsType<ReferenceValue>(step.Arguments[1].Value);
        Assert.Equal(("splits", "train"), (member.Name, member.Member));
        Assert.Null(step.Arguments[1].Name);
        Assert.True(Assert.IsType<BoolValue>(step.Arguments[2].Value).Value);
        Assert.False(Assert.IsType<BoolValue>(step.Arguments[3].Value).Value);
        ListValue list = Assert.IsType<ListValue>(step.Arguments[4].Value);
        Assert.Equal(["q_proj", "v_proj"], list.Items.Cast<ReferenceValue>().Select(r => r.Name));
        CallValue call = Assert.IsType<CallValue>(step.Arguments[5].Value);
        Assert.Equal("cosine", call.Name);
        Assert.Equal("warmup", Assert.Single(call.Arguments).Name);
    }

    [Fact]
    public void Dotted_kind_and_dotted_call()
    {
        StepDeclaration step = Single<StepDeclaration>("data d = generate.sentiment(examples: 10, gen: text.random(3))");

        Assert.Equal("generate.sentiment", step.Kind);
        Assert.Equal("text.random", Assert.IsType<CallValue>(step.Arguments[1].Value).Name);
    }

    [Fact]
    public void Sweeps_with_and_without_group()
    {
        StepDeclaration step = Single<StepDeclaration>("model m = finetune(b, lr: sweep[1e-4, 3e-4], wd: sweep.opt[0.0, 0.1])");

        SweepValue plain = Assert.IsType<SweepValue>(step.Arguments[1].Value);
        SweepValue grouped = Assert.IsType<SweepValue>(step.Arguments[2].Value);
        Assert.Null(plain.Group);
        Assert.Equal(2, plain.Values.Count);
        Assert.Equal("opt", grouped.Group);
    }

    [Fact]
    public void Keyword_spelt_kind_is_allowed()
    {
        StepDeclaration step = Single<StepDeclaration>("audit fair = audit(ft, attribute: \"group\", seed: 3)");
        Assert.Equal(("audit", "audit"), (step.Category, step.Kind));
        Assert.Equal("seed", step.Arguments[2].Name);
    }

    [Fact]
    public void Gates()
    {
        GateStatement comparison = Single<GateStatement>("gate scores.accuracy >= 0.80");
        GateStatement noRegression = Single<GateStatement>("gate scores.accuracy no_regression(baseline: \"b.json\", alpha: 0.05)");

        Assert.Equal("scores.accuracy", comparison.Target.Path);
        ComparisonCondition condition = Assert.IsType<ComparisonCondition>(comparison.Condition);
        Assert.Equal(">=", condition.Operator);
        Assert.Equal(0.8, Assert.IsType<NumberValue>(condition.Threshold).Value);
        Assert.Equal(2, Assert.IsType<NoRegressionCondition>(noRegression.Condition).Arguments.Count);
    }

    [Theory]
    [InlineData(">=")]
    [InlineData(">")]
    [InlineData("<=")]
    [InlineData("<")]
    [InlineData("==")]
    [InlineData("!=")]
    public void Every_gate_operator(string op) =>
        Assert.Equal(op, Assert.IsType<ComparisonCondition>(Single<GateStatement>($"gate s.m {op} 1").Condition).Operator);

    [Fact]
    public void Sweep_sampling()
    {
        SweepSamplingStatement sampling = Single<SweepSamplingStatement>("sweep random(8)");
        Assert.Equal("random", sampling.Sampler.Name);
        Assert.Equal(8.0, Assert.IsType<NumberValue>(Assert.Single(sampling.Sampler.Arguments).Value).Value);
    }

    [Fact]
    public void Statements_span_lines_and_trailing_commas_are_allowed()
    {
        StepDeclaration step = Single<StepDeclaration>("data\n  s\n  =\n  split(\n    r,\n    train: 0.8,\n  )");
        Assert.Equal(2, step.Arguments.Count);
    }

    [Fact]
    public void Library_file_has_no_name()
    {
        ExperimentDocument doc = ParseOk("import \"a.exp\"\nparam lr = 1\n// comment\ndata d = gen()\n", "lib.exp");

        Assert.Null(doc.Name);
        Assert.Equal(3, doc.Statements.Count);
    }

    [Fact]
    public void Imports_before_and_inside_the_block()
    {
        ExperimentDocument doc = ParseOk("import \"a.exp\"\nimport \"b.exp\"\nexperiment e {\n import \"c.exp\"\n}");
        Assert.Equal(["a.exp", "b.exp", "c.exp"], doc.Statements.Cast<ImportStatement>().Select(i => i.Path));
    }

    [Fact]
    public void Empty_block_and_comment_only_tail()
    {
        ExperimentDocument doc = ParseOk("experiment e {} # done\n// really\n");
        Assert.Empty(doc.Statements);
    }

    [Fact]
    public void Equal_documents_are_equal() => Assert.Equal(ParseOk(Example), ParseOk(Example));

    [Theory]
    [InlineData("", "EXP1001")]
    [InlineData("experiment e { param p = sweep[sweep[1]] }", "EXP1012")]
    [InlineData("experiment e { param p = [sweep[1, 2]] }", "")]
    [InlineData("experiment e { param p = sweep[[sweep[1]]] }", "EXP1012")]
    [InlineData("experiment e { data x = f(a: 1, a: 2) }", "EXP1015")]
    [InlineData("experiment e { data x = f(a: 1, 2) }", "EXP1007")]
    [InlineData("experiment e { param data = 1 }", "EXP1008")]
    [InlineData("experiment e { param p = model }", "EXP1008")]
    [InlineData("experiment e { gate s.a = 1 }", "EXP1009")]
    [InlineData("experiment e { data x = f(1 2) }", "EXP1001")]
    [InlineData("experiment e { param p = [1, 2 }", "EXP1006")]
    [InlineData("experiment e { param p = \"x\\q\" }", "EXP1014")]
    [InlineData("experiment e { modle x = f() }", "EXP1004")]
    [InlineData("experiment e { } experiment f { }", "EXP1010")]
    [InlineData("seed 1 experiment e { }", "EXP1001")]
    public void First_error_code(string text, string code)
    {
        ParseResult result = ExperimentParser.Parse(text, "t.exp");
        if (code.Length == 0)
        {
            Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
            return;
        }
        Assert.False(result.Succeeded);
        Assert.Null(result.Document);
        Assert.Equal(code, result.Diagnostics[0].Code);
    }

    [Fact]
    public void Deep_nesting_is_an_error_not_a_crash()
    {
        string deep = new string('[', 10_000) + new string(']', 10_000);
        ParseResult result = ExperimentParser.Parse($"experiment e {{ param p = {deep} }}", "t.exp");
        Assert.Equal(SyntaxCodes.UnexpectedToken, Assert.Single(result.Diagnostics).Code);
    }
}

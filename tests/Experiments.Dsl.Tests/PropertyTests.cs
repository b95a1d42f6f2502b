using System.Globalization;
using Experiments.Engine.Spec;
using FsCheck;
using FsCheck.Xunit;

namespace Experiments.Dsl.Tests;

/// <summary>The parser never throws, whatever the input; numbers read back exactly.</summary>
public sealed class PropertyTests
{
    private const string Valid = """
        import "common.exp"
        experiment sentiment {
          seed 1234
          param lr = 3e-4
          param methods = sweep[lora(rank: 8, alpha: 16), full()]
          data reviews = generate.sentiment(examples: 4000, groups: ["female", "male"], label_noise: 0.05)
          model ft = finetune(reviews, lr: sweep.opt[1e-4, 3e-4], method: methods, targets: [q_proj, v_proj])
          eval scores = evaluate(ft, metrics: [accuracy, f1])
          gate scores.accuracy >= 0.80
          gate scores.accuracy no_regression(baseline: "b\"x\\.json", tolerance: 0.01)
          sweep random(8)
        }
        """;

    private static bool Consistent(ParseResult result) =>
        result.Succeeded ? result.Diagnostics.Count == 0 : result.Diagnostics.Count > 0 && result.Diagnostics.All(d => d.Span.Line >= 1);

    [Property(MaxTest = 300)]
    public bool Never_throws_on_arbitrary_text(string text) => Consistent(ExperimentParser.Parse(text, "fuzz.exp"));

    [Property(MaxTest = 300)]
    public bool Never_throws_on_arbitrary_values(string text)
    {
        (SpecValue? value, IReadOnlyList<Engine.Diagnostics.Diagnostic> diagnostics) = ExperimentParser.ParseValue(text, "-p x");
        return (value is null) == (diagnostics.Count > 0);
    }

    [Property(MaxTest = 1000)]
    public bool Never_throws_on_a_mutated_example(NonNegativeInt position, char inserted, bool delete)
    {
        int at = position.Get % Valid.Length;
        string mutated = delete ? Valid.Remove(at, 1) : Valid.Insert(at, inserted.ToString());
        return Consistent(ExperimentParser.Parse(mutated, "fuzz.exp"));
    }

    [Property(MaxTest = 300)]
    public bool Never_throws_on_token_soup(NonEmptyArray<PositiveInt> picks)
    {
        string[] pieces = ["experiment", "e", "{", "}", "(", ")", "[", "]", ",", ":", ".", "=", ">=", "=>", "sweep", "data", "gate",
            "x", "1", "1e", "\"s\"", "\"", "\n", "#c\n", "true", "param", "import", "@"];
        string text = string.Join(" ", picks.Get.Select(p => pieces[p.Get % pieces.Length]));
        return Consistent(ExperimentParser.Parse(text, "fuzz.exp"));
    }

    [Property(MaxTest = 500)]
    public bool Numbers_read_back_exactly(NormalFloat number)
    {
        double d = number.Get;
        return ReadNumber(d.ToString("R", CultureInfo.InvariantCulture)) == d
            && ReadNumber(d.ToString("E16", CultureInfo.InvariantCulture)) == d
            && ReadNumber(d.ToString("e17", CultureInfo.InvariantCulture)) == d;
    }

    private static double ReadNumber(string text)
    {
        ParseResult result = ExperimentParser.Parse($"experiment e {{ param p = {text} }}", "n.exp");
        var param = (ParamStatement)result.Document!.Statements[0];
        var value = (NumberValue)param.Value;
        return value.Text == text ? value.Value : double.NaN;
    }
}

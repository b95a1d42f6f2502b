using Experiments.Engine.Spec;

namespace Experiments.Dsl.Tests;

/// <summary>Command-line overrides (<c>-p name=value</c>) use the value grammar plus bare comma lists.</summary>
public sealed class ParseValueTests
{
    private static SpecValue Ok(string text)
    {
        (SpecValue? value, IReadOnlyList<Engine.Diagnostics.Diagnostic> diagnostics) = ExperimentParser.ParseValue(text, "-p x");
        Assert.Empty(diagnostics);
        return value!;
    }

    [Fact]
    public void Number() => Assert.Equal(3e-4, Assert.IsType<NumberValue>(Ok("3e-4")).Value);

    [Fact]
    public void Comma_list_is_an_unnamed_sweep()
    {
        SweepValue sweep = Assert.IsType<SweepValue>(Ok("1e-4,3e-4"));
        Assert.Null(sweep.Group);
        Assert.Equal(2, sweep.Values.Count);
    }

    [Fact]
    public void Bare_word_is_a_reference() => Assert.Equal("abc", Assert.IsType<ReferenceValue>(Ok("abc")).Name);

    [Fact]
    public void Call_and_explicit_sweep() =>
        Assert.Equal("lora", Assert.IsType<CallValue>(Assert.IsType<SweepValue>(Ok("sweep[lora(rank: 8), full()]")).Values[0]).Name);

    [Fact]
    public void Span_uses_the_source_name() => Assert.Equal(new SourceSpan("-p x", 1, 1, 4), Ok("true").Span);

    [Theory]
    [InlineData("", "EXP1001")]
    [InlineData("1,", "EXP1001")]
    [InlineData("1 2", "EXP1001")]
    [InlineData("\"abc", "EXP1002")]
    [InlineData("1e", "EXP1003")]
    [InlineData("sweep[1],2", "EXP1012")]
    public void Errors(string text, string code)
    {
        (SpecValue? value, IReadOnlyList<Engine.Diagnostics.Diagnostic> diagnostics) = ExperimentParser.ParseValue(text, "-p x");
        Assert.Null(value);
        Assert.Equal(code, Assert.Single(diagnostics).Code);
    }
}

using System.Text.RegularExpressions;
using Experiments.Training.Tokenizers;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Experiments.Training.Tests.Tokenizers;

public sealed partial class PreTokenizerTests
{
    /// <summary>GPT-2's pre-tokenizer (openai/gpt-2 encoder.py), the rule <see cref="PreTokenizer"/> implements by hand.</summary>
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2();

    /// <summary>Characters of every class the rule distinguishes, and the contraction letters.</summary>
    private static readonly string[] s_pieces =
    [
        " ", " ", "  ", "\t", "\n", "\u00A0", "\u2029", "'", "s", "t", "re", "ve", "m", "ll", "d", "l", "r", "v", "e",
        "A", "é", "中", "7", "²", "Ⅻ", "+", ".", "😀", "\uD800", "-", "'S",
    ];

    private static string[] Split(string text)
    {
        var words = new List<string>();
        foreach (Range range in PreTokenizer.Words(text))
        {
            words.Add(text[range]);
        }
        return [.. words];
    }

    [Theory]
    [InlineData("Hello world", new[] { "Hello", " world" })]
    [InlineData("it's 2+2=4", new[] { "it", "'s", " 2", "+", "2", "=", "4" })]
    [InlineData("a  b\n\nc ", new[] { "a", " ", " b", "\n", "\n", "c", " " })]
    [InlineData("x\ty", new[] { "x", "\t", "y" })]
    [InlineData("I'll've 'sam", new[] { "I", "'ll", "'ve", " '", "sam" })]
    public void Splits_like_gpt2(string text, string[] expected) => Assert.Equal(expected, Split(text));

    [Property(MaxTest = 500)]
    public Property Agrees_with_the_gpt2_regular_expression_on_arbitrary_text() =>
        Prop.ForAll(
            Gen.Elements(s_pieces).ArrayOf().Select(string.Concat).ToArbitrary(),
            text => Split(text).SequenceEqual(Gpt2().Matches(text).Select(m => m.Value)));
}

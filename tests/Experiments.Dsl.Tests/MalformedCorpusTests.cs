using Experiments.Engine.Diagnostics;
using Snapshooter.Xunit;

namespace Experiments.Dsl.Tests;

/// <summary>
/// Each <c>syntax-*.exp</c> has exactly one mistake; its <c>.expected</c> file holds the first
/// diagnostic as <c>CODE LINE:COL</c>.
/// </summary>
public sealed class MalformedCorpusTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in Corpus.SyntaxCases)
        {
            data.Add(name);
        }
        return data;
    }

    [Fact]
    public void Corpus_has_a_case_for_every_syntax_code()
    {
        Assert.True(Corpus.SyntaxCases.Count >= 28);
        string[] expectedCodes = Corpus.SyntaxCases
            .Select(name => File.ReadAllText(Path.Combine(Corpus.MalformedDirectory, Path.ChangeExtension(name, ".expected"))).Split(' ')[0])
            .ToArray();
        string[] allCodes = typeof(SyntaxCodes).GetFields().Select(f => (string)f.GetValue(null)!).ToArray();
        Assert.Empty(allCodes.Except(expectedCodes));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void First_error_matches_expected(string name)
    {
        string path = Path.Combine(Corpus.MalformedDirectory, name);
        string expected = File.ReadAllText(Path.ChangeExtension(path, ".expected")).Trim();

        ParseResult result = ExperimentParser.Parse(File.ReadAllText(path), name);

        Assert.False(result.Succeeded);
        Diagnostic first = result.Diagnostics.First(d => d.IsError);
        Assert.Equal(expected, $"{first.Code} {first.Span.Line}:{first.Span.Column}");
        Assert.Equal(name, first.Span.File);
    }

    /// <summary>The wording of every message, reviewed as one file.</summary>
    [Fact]
    public void Formatted_diagnostics_of_the_corpus()
    {
        IEnumerable<string> lines = Corpus.SyntaxCases.SelectMany(name =>
            ExperimentParser.Parse(File.ReadAllText(Path.Combine(Corpus.MalformedDirectory, name)), name)
                .Diagnostics.Select(d => d.Format()));

        Snapshot.Match(string.Join("\n", lines));
    }
}

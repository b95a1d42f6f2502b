using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Kinds;
using Experiments.Engine.Tests.Support;
using Experiments.Steps;
using Snapshooter.Xunit;

namespace Experiments.Engine.Tests.Corpus;

/// <summary>
/// Every malformed experiment of <c>tests/corpus/malformed</c> (syntax and semantic) through the
/// whole front end (parser, imports, compiler with the real step kinds): it must not throw, and
/// its first error must be the code and position in its <c>.expected</c> file.
/// </summary>
public sealed class MalformedCorpusTests
{
    private static readonly StepKindRegistry s_registry = new(BuiltInKinds.All);

    public static string Directory => Experiments.Tests.Shared.RepositoryPaths.MalformedCorpus;

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (string file in System.IO.Directory.GetFiles(Directory, "*.exp").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal))
        {
            cases.Add(file);
        }
        return cases;
    }

    [Fact]
    public void The_corpus_has_at_least_forty_cases()
    {
        Assert.True(Cases().Count >= 40, $"only {Cases().Count} malformed cases");
        Assert.True(System.IO.Directory.GetFiles(Directory, "semantic-*.exp").Length >= 15);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void First_error_has_the_expected_code_and_position(string name)
    {
        string file = Path.Combine(Directory, name);
        string expected = File.ReadAllText(Path.ChangeExtension(file, ".expected")).Trim();

        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = TestExperiment.CompileFile(file, s_registry);

        Assert.Null(graph);
        Diagnostic first = diagnostics.First(d => d.IsError);
        Assert.Equal(expected, $"{first.Code} {first.Span.Line}:{first.Span.Column}");
    }

    [Fact]
    public void Semantic_diagnostics_read_well()
    {
        var formatted = new List<string>();
        foreach (string file in System.IO.Directory.GetFiles(Directory, "semantic-*.exp").Order(StringComparer.Ordinal))
        {
            (_, IReadOnlyList<Diagnostic> diagnostics) = TestExperiment.CompileFile(file, s_registry);
            formatted.AddRange(diagnostics.Select(d => d.Format().Replace(Directory + "/", string.Empty, StringComparison.Ordinal)));
        }
        Snapshot.Match(formatted);
    }
}

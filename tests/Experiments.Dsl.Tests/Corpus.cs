namespace Experiments.Dsl.Tests;

/// <summary>The syntax cases of <c>tests/corpus/malformed</c>.</summary>
internal static class Corpus
{
    public static string MalformedDirectory => Experiments.Tests.Shared.RepositoryPaths.MalformedCorpus;

    /// <summary>The syntax cases only; <c>semantic-*</c> files belong to the compiler's tests.</summary>
    public static IReadOnlyList<string> SyntaxCases =>
        Directory.GetFiles(MalformedDirectory, "syntax-*.exp")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
}

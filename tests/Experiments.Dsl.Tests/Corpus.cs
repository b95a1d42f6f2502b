namespace Experiments.Dsl.Tests;

/// <summary>Finds <c>tests/corpus/malformed</c> from the test binaries by walking up to the solution.</summary>
internal static class Corpus
{
    public static string MalformedDirectory
    {
        get
        {
            DirectoryInfo? dir = new(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Experiments.sln")))
            {
                dir = dir.Parent;
            }
            if (dir is null)
            {
                throw new InvalidOperationException($"no Experiments.sln above {AppContext.BaseDirectory}");
            }
            return Path.Combine(dir.FullName, "tests", "corpus", "malformed");
        }
    }

    /// <summary>The syntax cases only; <c>semantic-*</c> files belong to the compiler's tests.</summary>
    public static IReadOnlyList<string> SyntaxCases =>
        Directory.GetFiles(MalformedDirectory, "syntax-*.exp")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
}

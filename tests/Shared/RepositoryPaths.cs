namespace Experiments.Tests.Shared;

/// <summary>
/// Paths inside the repository, found from the test binaries by walking up to the solution file.
/// Linked into every test project (one source file, no shared assembly to build).
/// </summary>
internal static class RepositoryPaths
{
    public static string Root
    {
        get
        {
            string? directory = AppContext.BaseDirectory;
            while (directory is not null && !File.Exists(Path.Combine(directory, "Experiments.sln")))
            {
                directory = Path.GetDirectoryName(directory);
            }
            return directory ?? throw new InvalidOperationException($"no Experiments.sln above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The malformed-experiment corpus: <c>tests/corpus/malformed</c>.</summary>
    public static string MalformedCorpus => Path.Combine(Root, "tests", "corpus", "malformed");
}

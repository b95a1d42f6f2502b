using System.Text.Json;

namespace Experiments.Bench;

/// <summary>
/// Writes a suite's figures to bench/results/SUITE.json: one flat object, snake_case keys,
/// SI units in the key names (DESIGN §6), in the order the suite added them so diffs read well.
/// </summary>
internal static class ResultsFile
{
    public static string Write(string suite, IReadOnlyList<KeyValuePair<string, object>> figures)
    {
        var folder = Path.Combine(RepositoryRoot(), "bench", "results");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, suite + ".json");

        var document = new Dictionary<string, object> { ["suite"] = suite };
        foreach (var (key, value) in figures)
        {
            document[key] = value;
        }

        // Write beside and rename, so an interrupted run never leaves a half-written results file
        // (*.tmp is ignored by git).
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(document, Options) + "\n");
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>
    /// The clone the bench was built from (the folder holding Experiments.sln above the binary),
    /// so results land in the repository whatever the current directory is.
    /// </summary>
    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Experiments.sln")))
            {
                return folder.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}

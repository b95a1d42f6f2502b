namespace Experiments.EndToEnd.Tests.Support;

/// <summary>A temp folder holding copies of the repository's example experiments.</summary>
internal sealed class Workspace
{
    public Workspace()
    {
        Root = Directory.CreateTempSubdirectory("exp-e2e-").FullName;
    }

    public string Root { get; }

    public static string RepositoryRoot => Experiments.Tests.Shared.RepositoryPaths.Root;

    /// <summary>
    /// Copies an example experiment folder (without its store), into <paramref name="into"/> when
    /// given, and returns the copied .exp path.
    /// </summary>
    public string CopyExample(string folder, string file, string? into = null)
    {
        string source = Path.Combine(RepositoryRoot, "experiments", folder);
        string target = Path.Combine(Root, into ?? folder);
        foreach (string path in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, path);
            if (relative.StartsWith(".exp", StringComparison.Ordinal))
            {
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(path, Path.Combine(target, relative));
        }
        return Path.Combine(target, file);
    }

    public string Write(string relative, string text)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}

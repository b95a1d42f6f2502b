using LibGit2Sharp;

namespace Experiments.Tracking.Tests.Support;

/// <summary>A real git repository in a temporary folder (LibGit2Sharp, no git binary needed).</summary>
internal sealed class GitRepo
{
    private static readonly Signature s_author = new("Test", "test@example.com", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public GitRepo(string root)
    {
        Root = root;
        Repository.Init(root);
    }

    public string Root { get; }

    public string Commit(string message, params (string Path, string Text)[] files)
    {
        using var repository = new Repository(Root);
        foreach ((string path, string text) in files)
        {
            string full = Path.Combine(Root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
            Commands.Stage(repository, path);
        }
        return repository.Commit(message, s_author, s_author).Sha;
    }

    public void AddRemote(string name, string url)
    {
        using var repository = new Repository(Root);
        repository.Network.Remotes.Add(name, url);
    }

    public void Detach(string sha)
    {
        using var repository = new Repository(Root);
        Commands.Checkout(repository, repository.Lookup<LibGit2Sharp.Commit>(sha));
    }

    public void Ignore(string pattern) => File.AppendAllText(Path.Combine(Root, ".gitignore"), pattern + "\n");
}

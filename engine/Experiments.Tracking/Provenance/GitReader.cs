using LibGit2Sharp;

namespace Experiments.Tracking.Provenance;

/// <summary>Reads the git state of the repository holding an experiment (LibGit2Sharp, no git binary).</summary>
public static class GitReader
{
    private static bool InsideWorkTree(string directory)
    {
        for (string? current = System.IO.Path.GetFullPath(directory); current is not null; current = System.IO.Path.GetDirectoryName(current))
        {
            string marker = System.IO.Path.Combine(current, ".git");
            if (Directory.Exists(marker) || File.Exists(marker))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The state of the repository holding <paramref name="path"/>, or null when there is none.</summary>
    public static GitState? Read(string path)
    {
        string start = Directory.Exists(path) ? path : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
        if (!InsideWorkTree(start))
        {
            // No `.git` above: answer without loading libgit2 (a run outside a repository stays cheap).
            return null;
        }
        string? gitDirectory = Repository.Discover(start);
        if (gitDirectory is null)
        {
            return null;
        }
        using var repository = new Repository(gitDirectory);
        if (repository.Info.IsBare || repository.Head.Tip is null)
        {
            // A repository without a commit pins nothing.
            return null;
        }
        string root = System.IO.Path.GetFullPath(repository.Info.WorkingDirectory);
        Commit tip = repository.Head.Tip;
        string? branch = repository.Info.IsHeadDetached ? null : repository.Head.FriendlyName;
        Remote? remote = repository.Network.Remotes["origin"] ?? repository.Network.Remotes.FirstOrDefault();

        // Dirty means tracked files differ from HEAD (staged or not); untracked files do not count,
        // or every fresh store folder would make a tree dirty.
        var status = repository.RetrieveStatus(new StatusOptions { IncludeUntracked = false, RecurseUntrackedDirs = false, IncludeIgnored = false });
        string[] modified = status
            .Where(e => e.State != FileStatus.Unaltered && e.State != FileStatus.Ignored && e.State != FileStatus.NewInWorkdir)
            .Select(e => e.FilePath)
            .Order(StringComparer.Ordinal)
            .ToArray();
        string diff = modified.Length == 0
            ? string.Empty
            : repository.Diff.Compare<Patch>(tip.Tree, DiffTargets.Index | DiffTargets.WorkingDirectory).Content;
        return new GitState(root.TrimEnd(System.IO.Path.DirectorySeparatorChar), tip.Sha, branch, remote is null ? null : RemoteUrls.Redact(remote.Url),
            modified.Length > 0, modified, diff);
    }
}

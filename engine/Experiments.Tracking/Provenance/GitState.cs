namespace Experiments.Tracking.Provenance;

/// <summary>
/// Where a run's sources came from: the commit, branch (null on a detached HEAD), the remote URL
/// (credentials removed), whether tracked files differ from the commit, and that difference as a
/// patch (kept as the run's <c>git.diff</c> artifact).
/// </summary>
public sealed record GitState(
    string RepositoryRoot,
    string Commit,
    string? Branch,
    string? RemoteUrl,
    bool Dirty,
    IReadOnlyList<string> ModifiedFiles,
    string Diff)
{
    public bool Detached => Branch is null;

    /// <summary>A path relative to the repository root, with forward slashes.</summary>
    public string Relative(string path) => System.IO.Path.GetRelativePath(RepositoryRoot, System.IO.Path.GetFullPath(path)).Replace('\\', '/');
}

using System.Text.Json;
using Experiments.Tracking.Provenance;
using Experiments.Tracking.Tests.Support;

namespace Experiments.Tracking.Tests;

/// <summary>Git pinning on real repositories: clean, dirty, detached, none, --strict, and `exp reproduce`.</summary>
public sealed class GitTests : IDisposable
{
    private const string Source = """
        experiment pinned {
          seed 7
          param flip = 0
          eval scores = test.scores(n: 100, flip: flip)
        }
        """;

    private readonly TempFolder _folder = new();
    private readonly InProcessCli _cli = new();

    private string File => Path.Combine(_folder.Root, "pinned.exp");

    private (GitRepo Repo, string Sha) Repository()
    {
        var repo = new GitRepo(_folder.Root);
        repo.Ignore(".exp/");
        string sha = repo.Commit("first", ("pinned.exp", Source), (".gitignore", ".exp/\n"), ("notes.txt", "one\n"));
        return (repo, sha);
    }

    private async Task<JsonElement> ShowLatest()
    {
        CliResult show = await _cli.RunAsync("show", "latest", "--store", _folder.Store, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        return JsonDocument.Parse(show.Output).RootElement.Clone();
    }

    [Fact]
    public async Task A_clean_tree_pins_commit_and_branch_and_keeps_no_diff()
    {
        (_, string sha) = Repository();
        CliResult run = await _cli.RunAsync("run", File, "--store", _folder.Store, "--strict");
        Assert.True(run.ExitCode == 0, run.ToString());
        JsonElement shown = await ShowLatest();
        JsonElement tags = shown.GetProperty("tags");
        Assert.Equal(sha, tags.GetProperty("mlflow.source.git.commit").GetString());
        Assert.Equal(GitReader.Read(_folder.Root)!.Branch, tags.GetProperty("mlflow.source.git.branch").GetString());
        Assert.Equal("false", tags.GetProperty("exp.git.dirty").GetString());
        Assert.Equal("pinned.exp", tags.GetProperty("mlflow.source.name").GetString());
        Assert.Empty(shown.GetProperty("artifacts").EnumerateArray());
    }

    [Fact]
    public async Task A_dirty_tree_is_flagged_with_its_diff_and_refused_under_strict()
    {
        Repository();
        System.IO.File.WriteAllText(Path.Combine(_folder.Root, "notes.txt"), "two\n");
        CliResult run = await _cli.RunAsync("run", File, "--store", _folder.Store);
        Assert.True(run.ExitCode == 0, run.ToString());
        JsonElement shown = await ShowLatest();
        Assert.Equal("true", shown.GetProperty("tags").GetProperty("exp.git.dirty").GetString());
        JsonElement diff = Assert.Single(shown.GetProperty("artifacts").EnumerateArray());
        Assert.Equal("git.diff", diff.GetProperty("path").GetString());
        string digest = diff.GetProperty("digest").GetString()!;
        string patch = System.IO.File.ReadAllText(Path.Combine(_folder.Store, "objects", digest[..2], digest[2..]));
        Assert.Contains("-one", patch);
        Assert.Contains("+two", patch);

        CliResult strict = await _cli.RunAsync("run", File, "--store", _folder.Store, "--strict");
        Assert.True(strict.ExitCode == 2, strict.ToString());
        Assert.Contains("error EXP3105: --strict refuses to run with modified tracked files: notes.txt.", strict.Error);
        CliResult runs = await _cli.RunAsync("runs", "--store", _folder.Store, "--json");
        Assert.Single(JsonDocument.Parse(runs.Output).RootElement.GetProperty("runs").EnumerateArray());
    }

    [Fact]
    public async Task A_detached_head_pins_the_commit_without_a_branch()
    {
        (GitRepo repo, string first) = Repository();
        repo.Commit("second", ("notes.txt", "later\n"));
        repo.Detach(first);
        CliResult run = await _cli.RunAsync("run", File, "--store", _folder.Store);
        Assert.True(run.ExitCode == 0, run.ToString());
        JsonElement tags = (await ShowLatest()).GetProperty("tags");
        Assert.Equal(first, tags.GetProperty("mlflow.source.git.commit").GetString());
        Assert.False(tags.TryGetProperty("mlflow.source.git.branch", out _));
        CliResult table = await _cli.RunAsync("runs", "--store", _folder.Store);
        Assert.Contains("(detached)", table.Output);
    }

    [Fact]
    public async Task No_repository_is_a_note_not_a_failure_and_strict_refuses_it()
    {
        System.IO.File.WriteAllText(File, Source);
        CliResult run = await _cli.RunAsync("run", File, "--store", _folder.Store);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("is not in a git repository (or it has no commit); this run is not pinned to a commit.", run.Error);
        Assert.Equal("none", (await ShowLatest()).GetProperty("tags").GetProperty("exp.git").GetString());
        CliResult strict = await _cli.RunAsync("run", File, "--store", _folder.Store, "--strict");
        Assert.True(strict.ExitCode == 2, strict.ToString());
        Assert.Contains("error EXP3106", strict.Error);
    }

    [Fact]
    public async Task Remote_urls_are_recorded_without_credentials()
    {
        (GitRepo repo, _) = Repository();
        repo.AddRemote("origin", "https://someone:ghp_SECRETTOKEN123@github.com/acme/exp.git");
        CliResult run = await _cli.RunAsync("run", File, "--store", _folder.Store);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("https://github.com/acme/exp.git", (await ShowLatest()).GetProperty("tags").GetProperty("mlflow.source.git.repoURL").GetString());
        Assert.DoesNotContain("ghp_SECRETTOKEN123", System.Text.Encoding.Latin1.GetString(System.IO.File.ReadAllBytes(Path.Combine(_folder.Store, "ledger.db"))));
    }

    [Fact]
    public async Task Reproduce_reruns_a_run_from_its_pinned_commit_with_its_params()
    {
        (GitRepo repo, string first) = Repository();
        CliResult original = await _cli.RunAsync("run", File, "--store", _folder.Store, "-p", "flip=7");
        Assert.True(original.ExitCode == 0, original.ToString());
        string runId = (await ShowLatest()).GetProperty("id").GetString()!;

        // The experiment moves on: the commit and the working tree no longer say n: 100.
        repo.Commit("more examples", ("pinned.exp", Source.Replace("n: 100", "n: 150", StringComparison.Ordinal)));
        Assert.True((await _cli.RunAsync("run", File, "--store", _folder.Store, "-p", "flip=7")).ExitCode == 0);

        CliResult reproduced = await _cli.RunAsync("reproduce", runId[..8], "--store", _folder.Store);
        Assert.True(reproduced.ExitCode == 0, reproduced.ToString());
        Assert.Contains($"reproducing run {runId[..8]} at commit {first[..8]}", reproduced.Output);
        Assert.Contains("-p flip=7", reproduced.Output);
        Assert.Matches(@"scores\.accuracy\s+0\.73\s+0\.73\s+yes", reproduced.Output);
        Assert.Contains("reproduced: all 1 metric(s)", reproduced.Output);
        // The temporary worktree is gone again.
        string worktrees = Path.Combine(_folder.Root, ".git", "worktrees");
        Assert.False(Directory.Exists(worktrees) && Directory.EnumerateDirectories(worktrees).Any(), "the temporary worktree was not removed");
    }

    public void Dispose() => _folder.Dispose();
}

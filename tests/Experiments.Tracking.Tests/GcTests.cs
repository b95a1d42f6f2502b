using System.Text.Json;
using Experiments.Engine.Store;
using Experiments.Tracking.Ledger;
using Experiments.Tracking.Tests.Support;

namespace Experiments.Tracking.Tests;

/// <summary>
/// `exp gc` and the ledger: the blobs of recorded runs' artifacts (git.diff, gates.md) are kept
/// however old the run, `exp show` and a later MLflow upload still find them, blobs nothing refers
/// to still go, and a ledger that cannot be read stops gc before it removes anything.
/// </summary>
public sealed class GcTests : StandInTests
{
    private const string Source = """
        experiment collected {
          seed 3
          eval scores = test.scores(n: 50)
          gate scores.accuracy >= 0.5
        }
        """;

    private readonly InProcessCli _cli = new();
    private string File => Path.Combine(Folder.Root, "collected.exp");

    /// <summary>A run on a dirty tree (so it keeps git.diff; its gate keeps gates.md) and a blob nothing refers to.</summary>
    private async Task<(string RunId, Dictionary<string, string> Artifacts, string Loose)> RecordedRunAndALooseBlob()
    {
        var repo = new GitRepo(Folder.Root);
        repo.Ignore(".exp/");
        repo.Commit("first", ("collected.exp", Source), ("notes.txt", "one\n"));
        System.IO.File.WriteAllText(Path.Combine(Folder.Root, "notes.txt"), "two, not committed\n");
        CliResult run = await _cli.RunAsync("run", File, "--store", Folder.Store);
        Assert.True(run.ExitCode == 0, run.ToString());
        JsonElement shown = await Show("latest");
        var artifacts = shown.GetProperty("artifacts").EnumerateArray()
            .ToDictionary(a => a.GetProperty("path").GetString()!, a => a.GetProperty("digest").GetString()!);
        Assert.Equal(["gates.md", "git.diff"], artifacts.Keys.Order(StringComparer.Ordinal));

        var store = new ContentStore(Folder.Store);
        string temp = Path.Combine(store.Temp, "loose");
        System.IO.File.WriteAllText(temp, "a blob no step and no run refers to\n");
        string loose = store.Ingest(temp).Digest;
        return (shown.GetProperty("id").GetString()!, artifacts, loose);
    }

    private async Task<JsonElement> Show(string run)
    {
        CliResult show = await _cli.RunAsync("show", run, "--store", Folder.Store, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        return JsonDocument.Parse(show.Output).RootElement.Clone();
    }

    private string Blob(string digest) => new ContentStore(Folder.Store).ObjectPath(digest);

    private List<string> Objects() =>
        [.. Directory.EnumerateFiles(Path.Combine(Folder.Store, "objects"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Gc_keeps_the_blobs_of_recorded_artifacts_and_still_removes_blobs_nothing_refers_to()
    {
        (string runId, Dictionary<string, string> artifacts, string loose) = await RecordedRunAndALooseBlob();

        // Keep no run's step results: only the ledger can keep the artifacts now.
        CliResult dry = await _cli.RunAsync("gc", "--store", Folder.Store, "--dry-run", "--keep-runs", "0", "--keep-days", "0");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains($"would remove blob", dry.Output);
        Assert.Contains(Path.GetRelativePath(Folder.Store, Blob(loose)), dry.Output);
        Assert.All(artifacts.Values, digest => Assert.DoesNotContain(Path.GetRelativePath(Folder.Store, Blob(digest)), dry.Output));
        Assert.Contains("2 artifact blob(s) of the ledger's runs", dry.Output);
        Assert.True(System.IO.File.Exists(Blob(loose)));

        CliResult gc = await _cli.RunAsync("gc", "--store", Folder.Store, "--keep-runs", "0", "--keep-days", "0");
        Assert.True(gc.ExitCode == 0, gc.ToString());
        Assert.Contains("2 artifact blob(s) of the ledger's runs", gc.Output);
        Assert.False(System.IO.File.Exists(Blob(loose)), "a blob nothing refers to must still be collected");
        Assert.Equal(artifacts.Values.Select(Blob).Order(StringComparer.Ordinal), Objects());

        // `exp show` finds both, and the diff is the diff.
        JsonElement shown = await Show(runId[..8]);
        Assert.All(shown.GetProperty("artifacts").EnumerateArray(), a => Assert.True(a.GetProperty("in_store").GetBoolean(), a.ToString()));
        Assert.Contains("+two, not committed", System.IO.File.ReadAllText(Blob(artifacts["git.diff"])));
        CliResult text = await _cli.RunAsync("show", runId[..8], "--store", Folder.Store);
        Assert.Matches(@"git\.diff\s+[0-9a-f]{12}\s+\d+\s+yes", text.Output);

        // The run was recorded without MLflow: syncing it now uploads the artifacts gc kept.
        var withMlflow = new InProcessCli(new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = Server.Uri, ["EXP_MLFLOW_BACKOFF_MS"] = "20" });
        CliResult sync = await withMlflow.RunAsync("mlflow", "sync", "--store", Folder.Store);
        Assert.True(sync.ExitCode == 0, sync.ToString());
        Assert.Equal(2, Server.ArtifactsArrived);
        Assert.Contains(Server.StoredArtifacts, a => a.Key.EndsWith("/git.diff", StringComparison.Ordinal)
            && System.Text.Encoding.UTF8.GetString(a.Value).Contains("+two, not committed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("damaged")]
    [InlineData("newer")]
    public async Task Gc_refuses_to_collect_when_the_ledger_cannot_be_read_and_removes_nothing(string how)
    {
        (_, _, string loose) = await RecordedRunAndALooseBlob();
        string ledger = Path.Combine(Folder.Store, RunLedger.FileName);
        if (how == "damaged")
        {
            foreach (string side in new[] { ledger + "-wal", ledger + "-shm" }.Where(System.IO.File.Exists))
            {
                System.IO.File.Delete(side);
            }
            System.IO.File.WriteAllBytes(ledger, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7))]);
        }
        else
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={ledger};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }
        List<string> before = Objects();

        foreach (string[] args in new[] { new[] { "--dry-run" }, Array.Empty<string>() })
        {
            CliResult gc = await _cli.RunAsync(["gc", "--store", Folder.Store, "--keep-runs", "0", "--keep-days", "0", .. args]);
            Assert.True(gc.ExitCode == 2, gc.ToString());
            Assert.Contains($"exp: error EXP3104: cannot read the ledger {ledger}: ", gc.Error);
            Assert.Contains("so it removed nothing", gc.Error);
            Assert.DoesNotContain("   at ", gc.Error);
            Assert.Equal(string.Empty, gc.Output);
        }
        Assert.Equal(before, Objects());
        Assert.True(System.IO.File.Exists(Blob(loose)));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(Folder.Store, "actions"), "*", SearchOption.AllDirectories));
    }
}

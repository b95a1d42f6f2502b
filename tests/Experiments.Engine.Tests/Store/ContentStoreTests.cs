using Experiments.Engine.Keys;
using Experiments.Engine.Store;

namespace Experiments.Engine.Tests.Store;

public sealed class ContentStoreTests
{
    private readonly ContentStore _store = new(Directory.CreateTempSubdirectory("exp-store-").FullName);

    private string WriteTemp(string text)
    {
        string path = Path.Combine(_store.Temp, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Ingest_names_blobs_by_content_and_verifies_them()
    {
        (string digest, long size) = _store.Ingest(WriteTemp("hello"));
        (string again, _) = _store.Ingest(WriteTemp("hello"));

        Assert.Equal(Hashing.Sha256Hex("hello"), digest);
        Assert.Equal(digest, again);
        Assert.Equal(5, size);
        Assert.True(_store.VerifyBlob(digest, size));
        Assert.Empty(Directory.EnumerateFiles(_store.Temp));
    }

    [Fact]
    public void Same_size_corruption_is_found_by_hashing_not_by_the_stat_of_a_cache_hit()
    {
        (string digest, long size) = _store.Ingest(WriteTemp("hello"));
        string blob = _store.ObjectPath(digest);
        File.SetUnixFileMode(blob, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(blob, "jello");

        Assert.True(_store.HasBlob(digest, size));
        Assert.False(_store.VerifyBlob(digest, size));
        var entry = new ActionEntry
        {
            Key = new string('a', 64),
            Step = "s",
            Kind = "k",
            Outputs = new Dictionary<string, OutputManifest> { ["out"] = new("Data", "d", [new OutputFile("data.jsonl", digest, size)]) },
        };
        Assert.Null(_store.FindDamage(entry, full: false));
        Assert.NotNull(_store.FindDamage(entry, full: true));
    }

    [Fact]
    public void Action_entries_round_trip_and_a_damaged_entry_reads_as_a_miss()
    {
        string key = new('b', 64);
        var entry = new ActionEntry
        {
            Key = key,
            Step = "s",
            Kind = "k",
            Outputs = new Dictionary<string, OutputManifest>(),
            Metrics = new Dictionary<string, double> { ["rows"] = 3 },
        };
        _store.PutAction(entry);
        Assert.Equal(3, _store.TryGetAction(key)!.Metrics["rows"]);

        File.WriteAllText(_store.ActionPath(key), "{ truncated");
        Assert.Null(_store.TryGetAction(key));
    }

    [Fact]
    public async Task Key_lock_is_exclusive_until_released()
    {
        string key = new('c', 64);
        IDisposable first = await StoreLocks.AcquireKeyAsync(_store, key, null, CancellationToken.None);
        bool waited = false;
        Task<IDisposable> second = StoreLocks.AcquireKeyAsync(_store, key, () => waited = true, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(second.IsCompleted);
        Assert.True(waited);
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public void Gc_is_refused_while_a_run_holds_the_store()
    {
        using IDisposable? shared = StoreLocks.TryAcquireShared(_store);
        Assert.NotNull(shared);
        Assert.Null(new GarbageCollector(_store).Collect(1, 0, DateTimeOffset.UtcNow, dryRun: true));
    }
}

using Experiments.Engine.Compile;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Store;
using Experiments.Engine.Tests.Support;

namespace Experiments.Engine.Tests.Store;

public sealed class GarbageCollectorTests
{
    [Fact]
    public async Task Gc_keeps_what_recent_runs_used_and_removes_the_rest()
    {
        string directory = Directory.CreateTempSubdirectory("exp-gc-").FullName;
        var store = new ContentStore(Path.Combine(directory, ".exp"));
        var registry = TestExperiment.Registry(new TextKind("make"), new TextKind("mix"));
        const string text = "experiment e {\n param n = 1\n data a = make(size: n)\n data b = make(size: 7)\n}";

        async Task<RunSummary> Run(params string[] overrides)
        {
            StepGraph graph = TestExperiment.CompileOk(text, registry, overrides, directory);
            return await new Scheduler(store, new RunOptions(), new RecordingObserver()).RunAsync(graph, CancellationToken.None);
        }

        RunSummary old = await Run();
        await Task.Delay(20);
        RunSummary recent = await Run("n=2");
        string oldKey = old.Outcomes[0].Key!;
        string sharedKey = recent.Outcomes[1].Key!;
        File.WriteAllText(Path.Combine(store.Temp, "left-by-a-killed-run"), "x");

        GcReport dry = new GarbageCollector(store).Collect(keepRuns: 1, keepDays: 0, DateTimeOffset.UtcNow, dryRun: true)!;
        Assert.Contains(dry.Removed, i => i.What == "action" && i.Path.Contains(oldKey));
        Assert.Contains(dry.Removed, i => i.What == "blob" && i.Bytes > 0);
        Assert.Contains(dry.Removed, i => i.What == "scratch");
        Assert.NotNull(store.TryGetAction(oldKey));

        GcReport done = new GarbageCollector(store).Collect(keepRuns: 1, keepDays: 0, DateTimeOffset.UtcNow, dryRun: false)!;
        Assert.Equal(dry.Removed.Select(i => i.Path), done.Removed.Select(i => i.Path));
        Assert.Null(store.TryGetAction(oldKey));
        Assert.NotNull(store.TryGetAction(sharedKey));
        Assert.Empty(StoreVerifier.FindDamage(store));

        RunSummary rerun = await Run("n=2");
        Assert.Equal(2, rerun.Count(NodeStatus.Cached));
    }

    [Fact]
    public void Pinned_blobs_are_kept_and_a_pin_source_that_fails_leaves_the_store_untouched()
    {
        string directory = Directory.CreateTempSubdirectory("exp-gc-pins-").FullName;
        var store = new ContentStore(Path.Combine(directory, ".exp"));
        string Blob(string text)
        {
            string temp = Path.Combine(store.Temp, Guid.NewGuid().ToString("N"));
            File.WriteAllText(temp, text);
            return store.Ingest(temp).Digest;
        }
        // Neither blob is an output of any step: only the pin can keep one.
        string pinned = Blob("a diff a run recorded\n");
        string loose = Blob("nothing refers to this\n");
        var pins = new HashSet<string>(StringComparer.Ordinal) { pinned, new string('0', 64) };

        GcReport dry = new GarbageCollector(store).Collect(keepRuns: 1, keepDays: 0, DateTimeOffset.UtcNow, dryRun: true, () => pins)!;
        Assert.Equal(1, dry.PinnedBlobsKept);
        Assert.Contains(dry.Removed, i => i.What == "blob" && i.Path == store.ObjectPath(loose));
        Assert.DoesNotContain(dry.Removed, i => i.Path == store.ObjectPath(pinned));

        // A caller that cannot say what to keep throws; nothing is removed, not even what is unpinned.
        Assert.Throws<InvalidOperationException>(() =>
            new GarbageCollector(store).Collect(keepRuns: 1, keepDays: 0, DateTimeOffset.UtcNow, dryRun: false, () => throw new InvalidOperationException("no ledger")));
        Assert.True(File.Exists(store.ObjectPath(loose)));

        GcReport done = new GarbageCollector(store).Collect(keepRuns: 1, keepDays: 0, DateTimeOffset.UtcNow, dryRun: false, () => pins)!;
        Assert.Equal(1, done.PinnedBlobsKept);
        Assert.True(File.Exists(store.ObjectPath(pinned)));
        Assert.False(File.Exists(store.ObjectPath(loose)));
        Assert.Equal(new FileInfo(store.ObjectPath(pinned)).Length, done.BytesKept);
    }
}

using System.Text.Json;

namespace Experiments.Engine.Store;

/// <summary>What gc removed (or would remove): one line per item, with its size.</summary>
public sealed record GcItem(string What, string Path, long Bytes);

/// <param name="PinnedBlobsKept">Blobs kept because the caller named them (the ledger's run artifacts), whether or not a step result also uses them.</param>
public sealed record GcReport(IReadOnlyList<GcItem> Removed, int RunsKept, int KeysKept, long BytesKept, int PinnedBlobsKept = 0);

/// <summary>
/// `exp gc`: keeps everything the recent runs reference (the newest <c>keepRuns</c> run records and
/// any younger than <c>keepDays</c>) and removes other action entries, their specs and logs,
/// unreferenced blobs and leftover scratch files. Runs hold the store lock shared, gc exclusive,
/// so gc never deletes under a running `exp`.
/// </summary>
/// <remarks>
/// Blobs the engine does not know about can be kept as extra roots: <c>pinnedBlobs</c> is asked
/// for them once the store is held exclusively (so nothing can add one between the answer and the
/// deletions) and before anything is removed (so a caller that cannot answer, and throws, leaves
/// the store untouched). The CLI passes the digests of the ledger's run artifacts this way; the
/// engine itself knows nothing of the ledger.
/// </remarks>
public sealed class GarbageCollector(ContentStore store)
{
    public GcReport? Collect(int keepRuns, double keepDays, DateTimeOffset now, bool dryRun, Func<IReadOnlySet<string>>? pinnedBlobs = null)
    {
        using IDisposable? exclusive = StoreLocks.TryAcquireExclusive(store);
        if (exclusive is null)
        {
            return null;
        }
        IReadOnlySet<string> pinned = pinnedBlobs?.Invoke() ?? new HashSet<string>(StringComparer.Ordinal);
        var removed = new List<GcItem>();
        var runs = store.ReadRunRecords().OrderByDescending(r => r.Record.Started).ToList();
        var kept = runs.Where((r, i) => i < keepRuns || r.Record.Started >= now - TimeSpan.FromDays(keepDays)).ToList();
        foreach ((string path, RunRecord record) in runs.Except(kept))
        {
            Remove(removed, $"run record {record.Experiment} {record.Started:u}", path, dryRun);
        }
        var keys = kept.SelectMany(r => r.Record.Keys).ToHashSet(StringComparer.Ordinal);

        var liveBlobs = new HashSet<string>(StringComparer.Ordinal);
        foreach (string actionPath in Files("actions"))
        {
            string key = Path.GetFileNameWithoutExtension(actionPath);
            if (!keys.Contains(key))
            {
                Remove(removed, "action", actionPath, dryRun);
                RemoveIfExists(removed, "spec", store.SpecPath(key), dryRun);
                RemoveIfExists(removed, "log", store.LogPath(key), dryRun);
                RemoveIfExists(removed, "series", store.SeriesPath(key), dryRun);
                continue;
            }
            ActionEntry? entry = store.TryGetAction(key);
            foreach (OutputFile file in entry?.Outputs.Values.SelectMany(o => o.Files) ?? [])
            {
                liveBlobs.Add(file.Digest);
            }
            foreach (StepSourceRecord source in store.TryGetSpec(key)?.Sources.Values ?? [])
            {
                liveBlobs.Add(source.Digest);
            }
        }
        // Specs and logs of steps that never finished (failed or killed) are kept with their runs only.
        foreach ((string folder, string what) in (ReadOnlySpan<(string, string)>)[("specs", "spec"), ("logs", "log"), ("series", "series")])
        {
            foreach (string path in Files(folder))
            {
                string key = Path.GetFileNameWithoutExtension(path);
                if (!keys.Contains(key) && !File.Exists(store.ActionPath(key)))
                {
                    Remove(removed, what, path, dryRun);
                }
            }
        }
        // Checkpoints let an interrupted step resume; keep them while a kept run still names the
        // step and it has no result yet (a finished step removes its own).
        string checkpoints = Path.Combine(store.Root, "checkpoints");
        if (Directory.Exists(checkpoints))
        {
            foreach (string directory in Directory.EnumerateDirectories(checkpoints).Order(StringComparer.Ordinal))
            {
                string key = Path.GetFileName(directory);
                if (!keys.Contains(key) || File.Exists(store.ActionPath(key)))
                {
                    Remove(removed, "checkpoints", directory, dryRun);
                }
            }
        }
        long bytesKept = 0;
        int pinnedKept = 0;
        foreach (string blob in Files("objects"))
        {
            string digest = Path.GetFileName(Path.GetDirectoryName(blob)!) + Path.GetFileName(blob);
            bool isPinned = pinned.Contains(digest);
            if (isPinned || liveBlobs.Contains(digest))
            {
                bytesKept += new FileInfo(blob).Length;
                pinnedKept += isPinned ? 1 : 0;
            }
            else
            {
                Remove(removed, "blob", blob, dryRun);
            }
        }
        // No run holds the store, so anything in tmp/ is left over from a killed process.
        foreach (string scratch in Directory.EnumerateFileSystemEntries(store.Temp))
        {
            Remove(removed, "scratch", scratch, dryRun);
        }
        return new GcReport(removed, kept.Count, keys.Count, bytesKept, pinnedKept);
    }

    private IEnumerable<string> Files(string folder)
    {
        string path = Path.Combine(store.Root, folder);
        return Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    private static void RemoveIfExists(List<GcItem> removed, string what, string path, bool dryRun)
    {
        if (File.Exists(path))
        {
            Remove(removed, what, path, dryRun);
        }
    }

    private static void Remove(List<GcItem> removed, string what, string path, bool dryRun)
    {
        long size = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
            : new FileInfo(path).Length;
        removed.Add(new GcItem(what, path, size));
        if (dryRun)
        {
            return;
        }
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }
    }
}

/// <summary>`exp verify`: re-hashes every blob of every action entry.</summary>
public static class StoreVerifier
{
    public static IReadOnlyList<(string Key, string Step, OutputFile File)> FindDamage(ContentStore store)
    {
        var damaged = new List<(string, string, OutputFile)>();
        string actions = Path.Combine(store.Root, "actions");
        if (!Directory.Exists(actions))
        {
            return damaged;
        }
        foreach (string path in Directory.EnumerateFiles(actions, "*.json", SearchOption.AllDirectories))
        {
            string key = Path.GetFileNameWithoutExtension(path);
            ActionEntry? entry = store.TryGetAction(key);
            if (entry is null)
            {
                damaged.Add((key, "?", new OutputFile(path, "", 0)));
                continue;
            }
            if (store.FindDamage(entry, full: true) is { } file)
            {
                damaged.Add((key, entry.Step, file));
            }
        }
        return damaged;
    }
}

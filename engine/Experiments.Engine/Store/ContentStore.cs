using System.Text.Json;
using Experiments.Engine.Keys;

namespace Experiments.Engine.Store;

/// <summary>
/// The content-addressed store (DESIGN §3): blobs under <c>objects/ab/cdef…</c> named by their
/// SHA-256, an action cache under <c>actions/ab/KEY.json</c>, step specs, logs, locks and a
/// temporary folder on the same filesystem so every write can end in an atomic rename.
/// </summary>
public sealed partial class ContentStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _directories = new(StringComparer.Ordinal);

    private readonly Lazy<string> _temp;

    public ContentStore(string root)
    {
        Root = Path.GetFullPath(root);
        // Created on first write, so read-only commands (`exp status`) leave no folder behind.
        _temp = new Lazy<string>(() => Directory.CreateDirectory(Path.Combine(Root, "tmp")).FullName);
    }

    public string Root { get; }

    public string Temp => _temp.Value;

    public string ObjectPath(string digest) => Path.Combine(Root, "objects", digest[..2], digest[2..]);

    public string ActionPath(string key) => Path.Combine(Root, "actions", key[..2], key + ".json");

    public string SpecPath(string key) => Path.Combine(Root, "specs", key[..2], key + ".json");

    public string LogPath(string key) => Path.Combine(Root, "logs", key[..2], key + ".log");

    /// <summary>The metric series a step recorded while it ran (one JSON object per point).</summary>
    public string SeriesPath(string key) => Path.Combine(Root, "series", key[..2], key + ".jsonl");

    /// <summary>
    /// Where a long step keeps its checkpoints. Unlike scratch folders it survives a crash, so the
    /// next execution of the same key resumes from it; it is removed once the step's result is stored.
    /// </summary>
    public string CheckpointDirectory(string key) => Path.Combine(Root, "checkpoints", key);

    public string HistoryPath(string experiment) => Path.Combine(Root, "history", experiment + ".json");

    public string RunsDirectory => Path.Combine(Root, "runs");

    /// <summary>
    /// Creates the folder holding <paramref name="file"/> once per process: metadata operations are
    /// the dominant cost of a small step on a journaling filesystem.
    /// </summary>
    internal void EnsureDirectoryFor(string file)
    {
        string directory = Path.GetDirectoryName(file)!;
        if (!_directories.ContainsKey(directory))
        {
            Directory.CreateDirectory(directory);
            _directories.TryAdd(directory, true);
        }
    }

    /// <summary>A fresh folder under <c>tmp/</c> for a step to write its outputs into.</summary>
    public string CreateScratchDirectory(string label)
    {
        string path = Path.Combine(Temp, $"{label}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Moves a finished file into the CAS. Returns its digest and size.</summary>
    public (string Digest, long Size) Ingest(string file)
    {
        (string digest, long size) = Hashing.HashFile(file);
        string target = ObjectPath(digest);
        if (File.Exists(target) && new FileInfo(target).Length == size)
        {
            File.Delete(file);
            return (digest, size);
        }
        EnsureDirectoryFor(target);
        if (!OperatingSystem.IsWindows())
        {
            // Blobs are immutable: make accidental edits through an input path fail loudly.
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        // Overwrite: a same-named blob of the wrong size is corrupt, and this one is verified.
        File.Move(file, target, overwrite: true);
        return (digest, size);
    }

    /// <summary>Copies a user's file into the CAS (a temp copy, then an atomic move).</summary>
    public (string Digest, long Size) IngestCopy(string file)
    {
        string temp = Path.Combine(Temp, $"src.{Guid.NewGuid():N}.tmp");
        File.Copy(file, temp);
        return Ingest(temp);
    }

    /// <summary>Whether a blob is present with the right size (cheap: one stat).</summary>
    public bool HasBlob(string digest, long size)
    {
        var info = new FileInfo(ObjectPath(digest));
        return info.Exists && info.Length == size;
    }

    /// <summary>Whether a blob is present and its bytes hash to its name.</summary>
    public bool VerifyBlob(string digest, long size)
    {
        string path = ObjectPath(digest);
        try
        {
            (string actual, long actualSize) = Hashing.HashFile(path);
            return actualSize == size && actual == digest;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Deletes a blob found corrupt, so the step that makes it is recomputed.</summary>
    public void DiscardBlob(string digest)
    {
        try
        {
            File.Delete(ObjectPath(digest));
        }
        catch (IOException)
        {
        }
    }

    public ActionEntry? TryGetAction(string key)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(ActionPath(key));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        try
        {
            return ActionEntryReader.Read(bytes);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // Entries are written atomically, so this is damage from outside; treat it as a miss.
            return null;
        }
    }

    public void PutAction(ActionEntry entry)
    {
        string path = ActionPath(entry.Key);
        EnsureDirectoryFor(path);
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(entry, StoreJson.Default.ActionEntry), Temp);
    }

    public void RemoveAction(string key)
    {
        try
        {
            File.Delete(ActionPath(key));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public void PutSpec(StepSpecRecord spec)
    {
        string path = SpecPath(spec.Key);
        EnsureDirectoryFor(path);
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(spec, StoreJson.Default.StepSpecRecord), Temp);
    }

    public StepSpecRecord? TryGetSpec(string key)
    {
        string path = SpecPath(key);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), StoreJson.Default.StepSpecRecord) : null;
    }

    /// <summary>
    /// Checks an entry's blobs: on a cache hit (<paramref name="full"/> false) every blob must
    /// exist with its size, one stat each, so a no-op run stays cheap; bytes are re-hashed when a
    /// step reads them (see <see cref="Execution.StepExecutor"/>) and by `exp verify` (full).
    /// Returns the first bad file, or null when the entry is sound.
    /// </summary>
    public OutputFile? FindDamage(ActionEntry entry, bool full)
    {
        foreach (OutputManifest output in entry.Outputs.Values)
        {
            foreach (OutputFile file in output.Files)
            {
                bool sound = full ? VerifyBlob(file.Digest, file.Size) : HasBlob(file.Digest, file.Size);
                if (!sound)
                {
                    return file;
                }
            }
        }
        return null;
    }

    public void WriteRunRecord(RunRecord record)
    {
        Directory.CreateDirectory(RunsDirectory);
        string name = $"{record.Started.UtcDateTime:yyyyMMddTHHmmssfff}-{record.Experiment}-{Guid.NewGuid().ToString("N")[..8]}.json";
        AtomicFile.Write(Path.Combine(RunsDirectory, name), JsonSerializer.SerializeToUtf8Bytes(record, StoreJson.Default.RunRecord), Temp);
    }

    public IEnumerable<(string Path, RunRecord Record)> ReadRunRecords()
    {
        if (!Directory.Exists(RunsDirectory))
        {
            yield break;
        }
        foreach (string path in Directory.EnumerateFiles(RunsDirectory, "*.json"))
        {
            RunRecord? record = null;
            try
            {
                record = JsonSerializer.Deserialize(File.ReadAllBytes(path), StoreJson.Default.RunRecord);
            }
            catch (JsonException)
            {
            }
            if (record is not null)
            {
                yield return (path, record);
            }
        }
    }
}

using Experiments.Engine.Compile;
using Experiments.Engine.Store;

namespace Experiments.Engine.Scheduling;

/// <summary>
/// Digests of the user's files that path parameters name, each hashed once per run and copied
/// into the store (when <see cref="_ingest"/>) so any executor can read exactly those bytes.
/// </summary>
internal sealed class SourceDigests(ContentStore store, bool ingest)
{
    private readonly Dictionary<string, Lazy<StepSourceRecord>> _files = new(StringComparer.Ordinal);
    private readonly bool _ingest = ingest;

    public StepSourceRecord Get(NodeSourceFile file)
    {
        Lazy<StepSourceRecord> lazy;
        lock (_files)
        {
            if (!_files.TryGetValue(file.FullPath, out lazy!))
            {
                lazy = new Lazy<StepSourceRecord>(() => Compute(file));
                _files[file.FullPath] = lazy;
            }
        }
        return lazy.Value;
    }

    private StepSourceRecord Compute(NodeSourceFile file)
    {
        (string digest, long size) = Keys.Hashing.HashFile(file.FullPath);
        if (_ingest && !store.HasBlob(digest, size))
        {
            (digest, size) = store.IngestCopy(file.FullPath);
        }
        return new StepSourceRecord(file.RelativePath, digest, size);
    }
}

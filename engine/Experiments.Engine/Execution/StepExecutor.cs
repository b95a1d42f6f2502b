using System.Diagnostics;
using System.Text;
using Experiments.Engine.Keys;
using Experiments.Engine.Kinds;
using Experiments.Engine.Store;

namespace Experiments.Engine.Execution;

/// <summary>
/// Executes one step from its self-contained spec: verifies and exposes its inputs, runs the kind
/// in a scratch folder, moves the outputs into the CAS and only then writes the action entry.
/// A crash at any point leaves only scratch files, never a visible half-result.
/// </summary>
public sealed class StepExecutor(ContentStore store)
{
    public async Task<ActionEntry> ExecuteAsync(
        StepSpecRecord spec,
        StepKind kind,
        IProgress<StepProgress>? progress,
        CancellationToken cancellationToken,
        IMetricSink? metricSink = null)
    {
        KeyDescription description = KeyDescription.Parse(spec.Description);
        var inputs = new Dictionary<string, InputArtifact>(StringComparer.Ordinal);
        foreach ((string name, OutputManifest manifest) in spec.Inputs)
        {
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (OutputFile file in manifest.Files)
            {
                if (!store.VerifyBlob(file.Digest, file.Size))
                {
                    throw new CorruptInputException(name, file);
                }
                files[file.Path] = store.ObjectPath(file.Digest);
            }
            inputs[name] = new InputArtifact(Enum.Parse<ArtifactType>(manifest.Type), files);
        }
        var sources = spec.Sources.ToDictionary(
            s => s.Key,
            s => new SourceFile(s.Value.DisplayPath, store.ObjectPath(s.Value.Digest)),
            StringComparer.Ordinal);

        string scratch = store.CreateScratchDirectory(spec.Key[..12]);
        string outputRoot = Path.Combine(scratch, "out");
        string logFile = Path.Combine(scratch, "step.log");
        string seriesFile = Path.Combine(scratch, "series.jsonl");
        string checkpoints = store.CheckpointDirectory(spec.Key);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            StepContext context;
            await using (var log = new StreamWriter(logFile, append: false, new UTF8Encoding(false)) { AutoFlush = true })
            using (var series = new SeriesFileSink(seriesFile, metricSink))
            {
                await log.WriteLineAsync($"# {spec.Step} ({kind.Name} v{kind.Schema.Version}) key {spec.Key}").ConfigureAwait(false);
                context = new StepContext(
                    spec.Step, kind.Schema, description.Seed, new StepParameters(description.Params),
                    inputs, sources, outputRoot, log, progress, series, checkpoints);
                try
                {
                    await Task.Run(() => kind.ExecuteAsync(context, cancellationToken), cancellationToken).ConfigureAwait(false);
                }
                catch (StepFailedException failure)
                {
                    await log.WriteLineAsync($"error: {failure.Message}").ConfigureAwait(false);
                    throw;
                }
                catch (Exception exception) when (exception is not OperationCanceledException and not CorruptInputException)
                {
                    await log.WriteLineAsync($"internal error: {exception}").ConfigureAwait(false);
                    throw;
                }
                finally
                {
                    await log.WriteLineAsync($"# finished in {stopwatch.Elapsed.TotalSeconds:F3} s").ConfigureAwait(false);
                }
            }

            var outputs = new SortedDictionary<string, OutputManifest>(StringComparer.Ordinal);
            foreach (OutputSpec output in kind.Schema.Outputs)
            {
                string directory = Path.Combine(outputRoot, output.Name);
                if (!Directory.Exists(directory))
                {
                    throw new InvalidOperationException($"Kind '{kind.Name}' did not write its output '{output.Name}'.");
                }
                outputs[output.Name] = IngestOutput(directory, output.Type);
            }
            var entry = new ActionEntry
            {
                Key = spec.Key,
                Step = spec.Step,
                Kind = kind.Name,
                Outputs = outputs,
                Metrics = new SortedDictionary<string, double>(context.Metrics.ToDictionary(), StringComparer.Ordinal),
                Seconds = stopwatch.Elapsed.TotalSeconds,
                Created = DateTimeOffset.UtcNow,
            };
            KeepLog(logFile, spec.Key);
            KeepSeries(seriesFile, spec.Key);
            store.PutAction(entry);
            TryDelete(checkpoints);
            return entry;
        }
        catch
        {
            KeepLog(logFile, spec.Key);
            KeepSeries(seriesFile, spec.Key);
            throw;
        }
        finally
        {
            TryDelete(scratch);
        }
    }

    /// <summary>Moves every file of an output folder into the CAS and returns its manifest.</summary>
    private OutputManifest IngestOutput(string directory, ArtifactType type)
    {
        var files = new List<OutputFile>();
        foreach (string path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(directory, path).Replace('\\', '/');
            (string digest, long size) = store.Ingest(path);
            files.Add(new OutputFile(relative, digest, size));
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new OutputManifest(type.ToString(), ManifestDigest(files), files);
    }

    /// <summary>The digest downstream keys see: a hash of the sorted (path, digest, size) list.</summary>
    public static string ManifestDigest(IEnumerable<OutputFile> files)
    {
        var text = new StringBuilder();
        foreach (OutputFile file in files)
        {
            text.Append(file.Path).Append('\t').Append(file.Digest).Append('\t').Append(file.Size).Append('\n');
        }
        return Hashing.Sha256Hex(text.ToString());
    }

    private void KeepLog(string logFile, string key) => Keep(logFile, store.LogPath(key));

    /// <summary>A step that recorded no series leaves no file behind.</summary>
    private void KeepSeries(string seriesFile, string key)
    {
        if (File.Exists(seriesFile) && new FileInfo(seriesFile).Length > 0)
        {
            Keep(seriesFile, store.SeriesPath(key));
        }
    }

    private void Keep(string file, string target)
    {
        if (!File.Exists(file))
        {
            return;
        }
        store.EnsureDirectoryFor(target);
        File.Move(file, target, overwrite: true);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

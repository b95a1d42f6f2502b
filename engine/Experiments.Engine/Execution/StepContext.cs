using Experiments.Engine.Compile;
using Experiments.Engine.Kinds;

namespace Experiments.Engine.Execution;

/// <summary>Progress a step reports while it runs: a fraction in [0, 1] and an optional short message.</summary>
public readonly record struct StepProgress(double Fraction, string? Message);

/// <summary>
/// Everything one execution of a step may see: its parameters, inputs, seed, a folder per output
/// to write into, a log, and places to report progress and metrics. Nothing else: a step that
/// reads the clock or the network is not reproducible.
/// </summary>
public sealed class StepContext
{
    private readonly IReadOnlyDictionary<string, InputArtifact> _inputs;
    private readonly IReadOnlyDictionary<string, SourceFile> _sourceFiles;
    private readonly string _outputRoot;
    private readonly IProgress<StepProgress>? _progress;
    private readonly IMetricSink? _series;
    private readonly string? _checkpointRoot;
    private readonly Dictionary<string, double> _metrics = new(StringComparer.Ordinal);

    public StepContext(
        string stepName,
        StepKindSchema schema,
        long seed,
        StepParameters parameters,
        IReadOnlyDictionary<string, InputArtifact> inputs,
        IReadOnlyDictionary<string, SourceFile> sourceFiles,
        string outputRoot,
        TextWriter log,
        IProgress<StepProgress>? progress = null,
        IMetricSink? series = null,
        string? checkpointRoot = null)
    {
        StepName = stepName;
        Schema = schema;
        Seed = seed;
        Params = parameters;
        _inputs = inputs;
        _sourceFiles = sourceFiles;
        _outputRoot = outputRoot;
        Log = log;
        _progress = progress;
        _series = series;
        _checkpointRoot = checkpointRoot;
    }

    public string StepName { get; }

    public StepKindSchema Schema { get; }

    /// <summary>The step's RNG seed, derived from the experiment seed and the step's key.</summary>
    public long Seed { get; }

    public StepParameters Params { get; }

    public TextWriter Log { get; }

    public IReadOnlyDictionary<string, double> Metrics => _metrics;

    public bool HasInput(string name) => _inputs.ContainsKey(name);

    public InputArtifact Input(string name) =>
        _inputs.TryGetValue(name, out InputArtifact? input)
            ? input
            : throw new InvalidOperationException($"Step '{StepName}' has no input '{name}'.");

    /// <summary>The user's file named by a <see cref="ParamType.Path"/> parameter.</summary>
    public SourceFile Source(string parameterName) =>
        _sourceFiles.TryGetValue(parameterName, out SourceFile? file)
            ? file
            : throw new InvalidOperationException($"Step '{StepName}' has no path parameter '{parameterName}'.");

    /// <summary>The folder to write output <paramref name="name"/> into; created on first use.</summary>
    public string OutputDirectory(string name)
    {
        if (Schema.FindOutput(name) is null)
        {
            throw new InvalidOperationException($"Kind '{Schema.Name}' declares no output '{name}'.");
        }
        string path = Path.Combine(_outputRoot, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Report(double fraction, string? message = null) =>
        _progress?.Report(new StepProgress(Math.Clamp(fraction, 0, 1), message));

    /// <summary>
    /// Records one point of a metric series (loss at a training step, learning rate…). The points
    /// are kept beside the step's log and seen live by tracking; the final values belong in
    /// <see cref="Metric"/>.
    /// </summary>
    public void Track(string name, long step, double value) =>
        _series?.Record(new MetricPoint(name, step, value, DateTimeOffset.UtcNow));

    /// <summary>
    /// A folder that survives an interrupted execution of this same step (same key), for
    /// checkpoints to resume from; null where the executor keeps none. It is removed once the
    /// step's result is stored.
    /// </summary>
    public string? CheckpointDirectory
    {
        get
        {
            if (_checkpointRoot is not null)
            {
                Directory.CreateDirectory(_checkpointRoot);
            }
            return _checkpointRoot;
        }
    }

    /// <summary>Records a scalar result of the step (kept in the action cache beside the outputs).</summary>
    public void Metric(string name, double value) => _metrics[name] = value;
}

using System.Text;
using System.Text.Json.Nodes;
using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;

namespace Experiments.Engine.Tests.Steps;

/// <summary>
/// Runs a step kind the way an executor would, without the engine: parameters filled from the
/// schema's defaults, inputs and user files written to a temporary folder, one output folder per run.
/// </summary>
internal sealed class StepHarness : IDisposable
{
    private int _runs;

    public StepHarness()
    {
        Root = Path.Combine(Path.GetTempPath(), "exp-steps-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>A Data input whose data.jsonl holds exactly <paramref name="content"/>.</summary>
    public InputArtifact Data(string content)
    {
        string folder = Path.Combine(Root, "input-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "data.jsonl");
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return new InputArtifact(ArtifactType.Data, new Dictionary<string, string> { ["data.jsonl"] = path });
    }

    /// <summary>A Data input of rows, one JSON object per line.</summary>
    public InputArtifact Data(IEnumerable<JsonObject> rows) =>
        Data(string.Concat(rows.Select(r => r.ToJsonString() + "\n")));

    /// <summary>The output of an earlier run as the input of the next.</summary>
    public static InputArtifact Data(StepRun run, string output) =>
        new(ArtifactType.Data, new Dictionary<string, string> { ["data.jsonl"] = run.PathOf(output) });

    /// <summary>A user's file, as a path parameter names it.</summary>
    public SourceFile Source(string displayPath, string content) => Source(displayPath, new UTF8Encoding(false).GetBytes(content));

    public SourceFile Source(string displayPath, byte[] content)
    {
        string path = Path.Combine(Root, "source-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        return new SourceFile(displayPath, path);
    }

    public StepRun Run(
        StepKind kind,
        object? parameters = null,
        long seed = 1,
        IReadOnlyDictionary<string, InputArtifact>? inputs = null,
        IReadOnlyDictionary<string, SourceFile>? sources = null,
        CancellationToken cancellationToken = default)
    {
        string outputRoot = Path.Combine(Root, $"run-{Interlocked.Increment(ref _runs)}");
        Directory.CreateDirectory(outputRoot);
        var progress = new List<StepProgress>();
        var context = new StepContext(
            "test",
            kind.Schema,
            seed,
            new StepParameters(Parameters(kind.Schema, parameters, sources)),
            inputs ?? new Dictionary<string, InputArtifact>(),
            sources ?? new Dictionary<string, SourceFile>(),
            outputRoot,
            TextWriter.Null,
            new SynchronousProgress(progress));
        kind.ExecuteAsync(context, cancellationToken).GetAwaiter().GetResult();
        return new StepRun(outputRoot, context.Metrics, progress);
    }

    /// <summary>Runs a kind expecting it to fail the step; returns the message.</summary>
    public string Fails(
        StepKind kind,
        object? parameters = null,
        IReadOnlyDictionary<string, InputArtifact>? inputs = null,
        IReadOnlyDictionary<string, SourceFile>? sources = null) =>
        Assert.Throws<StepFailedException>(() => Run(kind, parameters, 1, inputs, sources)).Message;

    public static IReadOnlyDictionary<string, InputArtifact> Input(InputArtifact data) =>
        new Dictionary<string, InputArtifact> { ["data"] = data };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>Defaults from the schema, overridden by the properties of an anonymous object.</summary>
    private static Dictionary<string, CanonicalValue> Parameters(
        StepKindSchema schema,
        object? overrides,
        IReadOnlyDictionary<string, SourceFile>? sources)
    {
        var given = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (overrides is not null)
        {
            foreach (System.Reflection.PropertyInfo property in overrides.GetType().GetProperties())
            {
                given[property.Name.TrimStart('@')] = property.GetValue(overrides);
            }
        }
        var values = new Dictionary<string, CanonicalValue>(StringComparer.Ordinal);
        foreach (ParamSpec spec in schema.Params)
        {
            if (spec.Type == ParamType.Path && sources is not null && sources.TryGetValue(spec.Name, out SourceFile? source))
            {
                given.TryAdd(spec.Name, source.DisplayPath);
            }
            values[spec.Name] = given.Remove(spec.Name, out object? value)
                ? ToCanonical(value)
                : spec.Default ?? throw new InvalidOperationException($"Test gives no value for required parameter '{spec.Name}'.");
        }
        if (given.Count > 0)
        {
            throw new InvalidOperationException($"Kind '{schema.Name}' has no parameter(s) {string.Join(", ", given.Keys)}.");
        }
        return values;
    }

    private static CanonicalValue ToCanonical(object? value) => value switch
    {
        null => CanonicalValue.Null,
        string s => CanonicalValue.String(s),
        bool b => CanonicalValue.Bool(b),
        int i => CanonicalValue.Number(i),
        long l => CanonicalValue.Number(l),
        double d => CanonicalValue.Number(d),
        System.Collections.IEnumerable items => CanonicalValue.List(items.Cast<object?>().Select(ToCanonical)),
        _ => throw new ArgumentException($"Cannot pass {value.GetType().Name} as a parameter."),
    };

    private sealed class SynchronousProgress(List<StepProgress> sink) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => sink.Add(value);
    }
}

/// <summary>What one run left behind: its output folders, metrics and progress reports.</summary>
internal sealed record StepRun(string OutputRoot, IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<StepProgress> Progress)
{
    public string PathOf(string output) => Path.Combine(OutputRoot, output, "data.jsonl");

    public byte[] Bytes(string output = "out") => File.ReadAllBytes(PathOf(output));

    public string Text(string output = "out") => File.ReadAllText(PathOf(output), Encoding.UTF8);

    public IReadOnlyList<string> Lines(string output = "out")
    {
        string text = Text(output);
        return text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
    }

    public IReadOnlyList<JsonObject> Rows(string output = "out") =>
        Lines(output).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();

    public IReadOnlyList<long> Ids(string output = "out") =>
        Rows(output).Select(r => (long)r["id"]!).ToArray();
}

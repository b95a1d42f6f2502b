using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Metrics.Uncertainty;
using Experiments.Training.Kinds;

namespace Experiments.Training.Evaluation;

/// <summary>
/// Parameters the <c>evaluate</c> and <c>audit</c> kinds share: which fields hold what, the
/// bootstrap (lm-eval's <c>bootstrap_iters</c>), batching and the device, named as the training
/// kinds name them.
/// </summary>
internal static class EvaluationParams
{
    public static ParamSpec[] Fields =>
    [
        ParamSpec.String("id_field", "The field that identifies an example across runs (its pairing key); rows without it are numbered from 0.", "id"),
        ParamSpec.String("text_field", "classifier: the text field.", "text"),
        ParamSpec.String("label_field", "classifier: the label field.", "label"),
        ParamSpec.OptionalString("positive_label", "classifier: the label counted as positive (auc, binary f1, fairness rates); default: the second of two labels in order, e.g. 1 of 0/1."),
    ];

    public static ParamSpec[] Common =>
    [
        ParamSpec.Int("bootstrap_iters", "Bootstrap resamples for every interval (lm-eval's name).", @default: 1000, min: 1, max: 1_000_000),
        ParamSpec.Float("confidence", "Coverage of the intervals.", @default: 0.95, min: 0.5, max: 0.9999),
        ParamSpec.Int("batch_size", "Examples per forward pass.", @default: 32, min: 1, max: 65_536),
        ParamSpec.Choice("device", "Where to run: auto picks CUDA when this build has it and a GPU is present.", "auto", "auto", "cpu", "cuda"),
        ParamSpec.Int("threads", "CPU threads for torch (0: one per core). Part of the key: results depend on it.", @default: 0, min: 0, max: 1024),
    ];

    /// <summary>The step's bootstrap settings, seeded from the step's seed.</summary>
    public static BootstrapOptions Bootstrap(StepParameters p, long seed) => new()
    {
        Iterations = p.GetInt32("bootstrap_iters"),
        Confidence = p.GetDouble("confidence"),
        Seed = seed,
    };

    /// <summary>
    /// The <c>metrics</c> list: a list of choices, so a misspelt name is a compile-time diagnostic
    /// with the nearest valid name, before anything trains.
    /// </summary>
    public static ParamSpec Metrics(string doc, IEnumerable<string> names, IEnumerable<string>? defaults) =>
        new("metrics", ParamType.List(ParamType.Choice([.. names])), doc)
        {
            Default = defaults is null ? CanonicalValue.Null : CanonicalValue.List(defaults.Select(CanonicalValue.String)),
        };

    public static IReadOnlyDictionary<string, string> Facets(IReadOnlyDictionary<string, CanonicalValue> parameters) =>
        TrainingParams.Facets(parameters);

    public static ResourceSlots Slots => TrainingParams.Slots;
}

using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Metrics.Documents;
using Experiments.Metrics.Reports;
using Experiments.Training.Kinds;

namespace Experiments.Training.Evaluation;

/// <summary>
/// <c>evaluate(model, data, metrics: [...], ...)</c>: scores a model on held-out examples. A
/// classifier (its config lists labels) labels each text; a causal LM completes each prompt with
/// the chosen decoding and is scored against the reference completion, and its perplexity is taken
/// on the references. Every metric comes with a seeded bootstrap interval; the output holds the
/// metrics document and the per-example predictions.
/// </summary>
public sealed class EvaluateKind : StepKind
{
    public const string Perplexity = "perplexity";

    /// <summary>Every name <c>metrics</c> accepts: the classification, text and LM metrics.</summary>
    public static IReadOnlyList<string> MetricNames { get; } =
        [.. ClassificationReport.Names, .. TextReport.Names, Perplexity];

    public static IReadOnlyList<string> ClassifierDefaults { get; } = ["accuracy", "f1"];

    public static IReadOnlyList<string> GeneratorDefaults { get; } = ["exact_match", Perplexity];

    private static readonly StepKindSchema s_schema = new(
        "evaluate",
        Version: 1,
        "eval",
        "Scores a classifier or a causal LM on examples: each metric with a bootstrap interval, plus per-example predictions.",
        EquatableArray.Create(
            new InputSpec("model", ArtifactType.Model, "The model (pretrain or finetune output)."),
            new InputSpec("data", ArtifactType.Data, "The examples to score.")),
        TrainingParams.Concat(
            [
                EvaluationParams.Metrics(
                    "Metrics to report. Classifier: accuracy, precision/recall/f1 (binary for two labels, else macro; or _macro, _micro, _weighted), auc, average_precision, ece. "
                    + "Causal LM: exact_match, bleu, chrf, rouge1, rouge2, rougeL, rougeLsum, meteor, perplexity. Default: accuracy, f1 or exact_match, perplexity.",
                    MetricNames, defaults: null),
                .. EvaluationParams.Fields,
                ParamSpec.String("prompt_field", "causal LM: the prompt field.", "prompt"),
                ParamSpec.String("completion_field", "causal LM: the reference completion field.", "completion"),
                ParamSpec.String("separator", "causal LM: text between prompt and completion (as in finetune).", " "),
                ParamSpec.Choice("decoding", "causal LM: greedy (most likely token) or sample (temperature, top_k, top_p).", "greedy", "greedy", "sample"),
                ParamSpec.Float("temperature", "sample: divides the logits; lower is closer to greedy (0 is greedy).", @default: 1.0, min: 0, max: 100),
                ParamSpec.Int("top_k", "sample: keep only the k most likely tokens (0: all).", @default: 0, min: 0, max: 1_000_000),
                ParamSpec.Float("top_p", "sample: keep the smallest set of tokens whose probability reaches p (nucleus; 1: all).", @default: 1.0, min: 0.000001, max: 1),
                ParamSpec.Int("max_new_tokens", "causal LM: most tokens to generate; generation also stops at end-of-text or the context length.", @default: 32, min: 0, max: 65_536),
            ],
            EvaluationParams.Common),
        EquatableArray.Create(new OutputSpec("metrics", ArtifactType.Metrics, "metrics.json (value, ci_low, ci_high, n, method per metric) and predictions.jsonl (id, prediction, reference, scores).")))
    {
        Slots = EvaluationParams.Slots,
    };

    public override StepKindSchema Schema => s_schema;

    public override IReadOnlyDictionary<string, string> EnvironmentFacets(IReadOnlyDictionary<string, CanonicalValue> parameters) =>
        EvaluationParams.Facets(parameters);

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        using LoadedModel model = LoadedModel.Load(context);
        string[] names = Requested(context.Params, model.IsClassifier);
        EvaluationResult result = model.IsClassifier
            ? ClassifierEvaluation.Run(context, model, names, cancellationToken)
            : GeneratorEvaluation.Run(context, model, names, cancellationToken);
        EvaluationOutput.Write(context, "metrics", result.Document, result.Predictions);
        return Task.CompletedTask;
    }

    /// <summary>The requested metrics, checked against what this model's task can report.</summary>
    private static string[] Requested(StepParameters p, bool classifier)
    {
        string[] names = p.IsNull("metrics")
            ? [.. classifier ? ClassifierDefaults : GeneratorDefaults]
            : [.. p.GetStringList("metrics").Distinct(StringComparer.Ordinal)];
        if (names.Length == 0)
        {
            throw new StepFailedException("metrics is empty; name at least one metric, or leave it out for the defaults.");
        }
        IReadOnlyList<string> fitting = classifier ? ClassificationReport.Names : [.. TextReport.Names, Perplexity];
        string[] misfits = names.Where(n => !fitting.Contains(n)).ToArray();
        if (misfits.Length > 0)
        {
            string task = classifier ? "a classifier (its config lists labels)" : "a causal language model (its config lists no labels)";
            throw new StepFailedException(
                $"metrics {string.Join(", ", misfits.Select(m => $"`{m}`"))} do not apply: the model is {task}, which reports {string.Join(", ", fitting)}.");
        }
        return names;
    }
}

/// <summary>What one evaluation made: the document and a row per example.</summary>
internal sealed record EvaluationResult(MetricsDocument Document, IReadOnlyList<PredictionRow> Predictions);

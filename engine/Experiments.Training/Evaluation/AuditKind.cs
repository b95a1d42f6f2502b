using System.Globalization;
using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Metrics.Documents;
using Experiments.Metrics.Fairness;
using Experiments.Metrics.Reports;
using Experiments.Metrics.Uncertainty;
using Experiments.Training.Kinds;

namespace Experiments.Training.Evaluation;

/// <summary>
/// <c>audit(model, data, attribute: "group", counterfactual: "gender", metrics: [...])</c>: group
/// fairness of a classifier's positive decisions across the values of an attribute (or the
/// intersections of two), with Fairlearn's definitions and bootstrap intervals, per-group rates
/// with Wilson intervals, and optionally the counterfactual flip rate: how often the prediction
/// changes when the text's gendered words and names are swapped (the library's swap list).
/// Its output is a Metrics artifact, so <c>gate fair.demographic_parity &lt;= 0.05</c> reads it.
/// </summary>
public sealed class AuditKind : StepKind
{
    public const string FlipRate = "counterfactual_flip_rate";

    public static IReadOnlyList<string> Defaults { get; } = ["demographic_parity", "equal_opportunity", "equalized_odds", "predictive_parity"];

    private static readonly StepKindSchema s_schema = new(
        "audit",
        Version: 1,
        "audit",
        "Audits a classifier for group fairness (demographic parity, equal opportunity, equalised odds, predictive parity) and counterfactual flips.",
        EquatableArray.Create(
            new InputSpec("model", ArtifactType.Model, "The classifier (a finetune with objective classify)."),
            new InputSpec("data", ArtifactType.Data, "Examples with the text, the label and the attribute.")),
        TrainingParams.Concat(
            [
                EvaluationParams.Metrics(
                    "Fairness metrics (differences are max - min over groups, ratios min / max). counterfactual_flip_rate is added when counterfactual is set.",
                    FairnessReport.Names, Defaults),
                ParamSpec.String("attribute", "The field holding each example's group.", "group"),
                ParamSpec.OptionalString("attribute2", "A second attribute: groups become the intersections (\"female & young\")."),
                ParamSpec.Choice("counterfactual", "Swap list for the counterfactual flip rate on the text field, or none.", "none", ["none", .. CounterfactualSwaps.BuiltInNames]),
                .. EvaluationParams.Fields,
            ],
            EvaluationParams.Common),
        EquatableArray.Create(new OutputSpec("report", ArtifactType.Metrics, "metrics.json (the fairness metrics, and per group its size and rates) and predictions.jsonl.")))
    {
        Slots = EvaluationParams.Slots,
    };

    public override StepKindSchema Schema => s_schema;

    public override IReadOnlyDictionary<string, string> EnvironmentFacets(IReadOnlyDictionary<string, CanonicalValue> parameters) =>
        EvaluationParams.Facets(parameters);

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        StepParameters p = context.Params;
        using LoadedModel model = LoadedModel.Load(context);
        if (!model.IsClassifier)
        {
            throw new StepFailedException("audit needs a classifier (a model fine-tuned with objective: classify); the model's config lists no labels.");
        }
        string attribute = p.GetString("attribute");
        string? attribute2 = p.GetOptionalString("attribute2");
        string counterfactual = p.GetString("counterfactual");
        string[] fields = attribute2 is null
            ? [p.GetString("text_field"), p.GetString("label_field"), attribute]
            : [p.GetString("text_field"), p.GetString("label_field"), attribute, attribute2];
        List<EvaluationRow> rows = EvaluationRows.Read(context, "data", p.GetString("id_field"), fields, cancellationToken);
        int positive = model.PositiveIndex(p.GetOptionalString("positive_label"));
        if (positive < 0)
        {
            throw new StepFailedException($"the model has {model.Labels.Count} labels ({string.Join(", ", model.Labels)}); set positive_label to the decision the audit compares across groups.");
        }
        string positiveLabel = model.Labels[positive];

        string[] texts = rows.Select(r => r.Fields[0]).ToArray();
        Classified classified = ClassifierEvaluation.Classify(context, model, texts, cancellationToken);
        string[] predicted = classified.Predicted.Select(i => model.Labels[i]).ToArray();
        bool[] yTrue = rows.Select(r => r.Fields[1] == positiveLabel).ToArray();
        bool[] yPred = predicted.Select(l => l == positiveLabel).ToArray();
        IReadOnlyList<string> groups = attribute2 is null
            ? rows.Select(r => r.Fields[2]).ToArray()
            : GroupStatistics.Intersect(rows.Select(r => r.Fields[2]).ToArray(), rows.Select(r => r.Fields[3]).ToArray());
        string groupName = attribute2 is null ? attribute : $"{attribute} & {attribute2}";

        List<string> names = [.. p.GetStringList("metrics").Distinct(StringComparer.Ordinal)];
        var info = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["task"] = "audit",
            ["attribute"] = groupName,
            ["positive_label"] = positiveLabel,
        };
        (IReadOnlyList<string>, IReadOnlyList<string>)? pairs = null;
        if (counterfactual != "none")
        {
            pairs = Counterfactuals(context, model, CounterfactualSwaps.BuiltIn(counterfactual), texts, predicted, cancellationToken);
            info["counterfactual"] = counterfactual;
            info["counterfactual_pairs"] = pairs.Value.Item1.Count.ToString(CultureInfo.InvariantCulture);
            context.Metric("counterfactual_pairs", pairs.Value.Item1.Count);
            if (!names.Contains(FlipRate))
            {
                names.Add(FlipRate);
            }
        }
        else if (names.Contains(FlipRate))
        {
            throw new StepFailedException($"{FlipRate} needs counterfactual inputs: set counterfactual to a swap list ({string.Join(", ", CounterfactualSwaps.BuiltInNames)}).");
        }
        if (names.Count == 0)
        {
            throw new StepFailedException("metrics is empty; name at least one fairness metric.");
        }

        BootstrapOptions options = EvaluationParams.Bootstrap(p, context.Seed);
        MetricsDocument document = FairnessReport.Audit(yTrue, yPred, groups, groupName, names, options, pairs) with { Info = info };
        var predictions = rows.Select((r, i) => new PredictionRow
        {
            Id = r.Id,
            Prediction = PredictionRow.Value(predicted[i]),
            Reference = PredictionRow.Value(r.Fields[1]),
            Scores = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["accuracy"] = predicted[i] == r.Fields[1] ? 1 : 0 },
        }).ToArray();
        EvaluationOutput.Write(context, "report", document, predictions);
        foreach ((string group, GroupEntry entry) in document.Groups![groupName])
        {
            context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{groupName} = {group}: n {entry.N}, selection rate {entry.Metrics["selection_rate"].Value:F4}, true positive rate {entry.Metrics["true_positive_rate"].Value:F4}, accuracy {entry.Metrics["accuracy"].Value:F4}"));
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Predictions on the original and the swapped text of every example the swap list changed
    /// (examples without a swappable word have no counterfactual and are left out).
    /// </summary>
    private static (IReadOnlyList<string>, IReadOnlyList<string>) Counterfactuals(
        StepContext context, LoadedModel model, CounterfactualSwaps swaps, string[] texts, string[] predicted, CancellationToken cancellationToken)
    {
        var original = new List<string>();
        var swapped = new List<string>();
        for (int i = 0; i < texts.Length; i++)
        {
            (string text, int count) = swaps.Apply(texts[i]);
            if (count > 0)
            {
                original.Add(predicted[i]);
                swapped.Add(text);
            }
        }
        if (swapped.Count == 0)
        {
            throw new StepFailedException($"counterfactual '{swaps.Name}': no example's text has a word from the swap list, so there are no pairs to compare.");
        }
        Classified classified = ClassifierEvaluation.Classify(context, model, swapped, cancellationToken);
        return (original, classified.Predicted.Select(i => model.Labels[i]).ToArray());
    }
}

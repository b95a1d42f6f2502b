using Experiments.Engine.Execution;
using Experiments.Metrics.Documents;
using Experiments.Metrics.Reports;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Training.Evaluation;

/// <summary>
/// Evaluates a classifier: the predicted label is the most probable one; the probability of the
/// positive label feeds auc and average_precision, the probability of the predicted label ece.
/// </summary>
internal static class ClassifierEvaluation
{
    public static EvaluationResult Run(StepContext context, LoadedModel model, string[] names, CancellationToken cancellationToken)
    {
        StepParameters p = context.Params;
        List<EvaluationRow> rows = EvaluationRows.Read(context, "data", p.GetString("id_field"), [p.GetString("text_field"), p.GetString("label_field")], cancellationToken);
        Classified classified = Classify(context, model, rows.Select(r => r.Fields[0]).ToArray(), cancellationToken);
        var labels = new LabelIndex(model, p.GetOptionalString("positive_label"));

        int[] yTrue = rows.Select(r => labels.Of(r.Fields[1])).ToArray();
        int[] yPred = classified.Predicted.Select(labels.OfModel).ToArray();
        double[]? positiveScores = labels.Positive >= 0 ? classified.Probabilities.Select(pr => pr[labels.Positive]).ToArray() : null;
        double[] confidences = classified.Probabilities.Select(pr => pr.Max()).ToArray();
        BootstrapOptions options = EvaluationParams.Bootstrap(p, context.Seed);
        SortedDictionary<string, MetricEstimate> estimates;
        try
        {
            estimates = ClassificationReport.Evaluate(yTrue, yPred, names, options, positiveScores, confidences);
        }
        catch (ArgumentException e) when (positiveScores is null)
        {
            throw new StepFailedException($"{e.Message}: the model has {model.Labels.Count} labels ({string.Join(", ", model.Labels)}); set positive_label to score one of them against the rest.");
        }
        double[] correct = ClassificationReport.PerExample(yTrue, yPred)["accuracy"];
        var predictions = rows.Select((r, i) => new PredictionRow
        {
            Id = r.Id,
            Prediction = PredictionRow.Value(model.Labels[classified.Predicted[i]]),
            Reference = PredictionRow.Value(r.Fields[1]),
            Scores = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["accuracy"] = correct[i] },
        }).ToArray();
        var info = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["task"] = "classification",
            ["labels"] = string.Join(", ", model.Labels),
            ["truncated_examples"] = classified.Truncated.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (labels.Positive >= 0)
        {
            info["positive_label"] = model.Labels[labels.Positive];
        }
        return new EvaluationResult(new MetricsDocument { Metrics = estimates, Info = info }, predictions);
    }

    /// <summary>Per text, the label probabilities and the most probable label's index.</summary>
    public static Classified Classify(StepContext context, LoadedModel model, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        int[][] full = texts.Select(model.Tokenizer.Encode).ToArray();
        int truncated = full.Count(ids => ids.Length > model.Config.Context);
        int[][] encoded = full.Select(ids => ids.Length > model.Config.Context ? ids[..model.Config.Context] : ids).ToArray();
        double[][] probabilities = ClassifierScores.Probabilities(
            model.Model, model.Device, encoded, model.Tokenizer.EndOfText, context.Params.GetInt32("batch_size"),
            done => context.Report((double)done / texts.Count, $"classified {done}/{texts.Count}"), cancellationToken);
        return new Classified(probabilities, probabilities.Select(ClassifierScores.ArgMax).ToArray(), truncated);
    }
}

/// <summary>A classifier's output over a list of texts.</summary>
internal sealed record Classified(double[][] Probabilities, int[] Predicted, int Truncated);

/// <summary>
/// Label strings as the integer classes the metric library takes: the model's labels in config
/// order, with the positive label moved to class 1 (binary metrics and AUC count class 1 as
/// positive) and labels the model never learned numbered after its own.
/// </summary>
internal sealed class LabelIndex
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly int[] _fromModel;

    public LabelIndex(LoadedModel model, string? positiveLabel)
    {
        int positive = model.PositiveIndex(positiveLabel);
        _fromModel = Enumerable.Range(0, model.Labels.Count).ToArray();
        if (positive >= 0 && positive != 1 && model.Labels.Count > 1)
        {
            (_fromModel[positive], _fromModel[1]) = (1, positive);
        }
        for (int i = 0; i < model.Labels.Count; i++)
        {
            _ids[model.Labels[i]] = _fromModel[i];
        }
        Positive = positive;
    }

    /// <summary>The model's index of the positive label, or -1.</summary>
    public int Positive { get; }

    public int OfModel(int modelIndex) => _fromModel[modelIndex];

    public int Of(string label)
    {
        if (!_ids.TryGetValue(label, out int id))
        {
            id = _ids.Count;
            _ids[label] = id;
        }
        return id;
    }
}

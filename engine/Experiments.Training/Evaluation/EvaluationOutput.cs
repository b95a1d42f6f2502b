using System.Globalization;
using Experiments.Engine.Execution;
using Experiments.Metrics.Documents;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Training.Evaluation;

/// <summary>
/// Writes what an evaluation step produced into its Metrics output — <c>metrics.json</c> (the
/// metrics document) and <c>predictions.jsonl</c> (per-example rows that later runs pair by id) —
/// and reports every finite metric value as a step metric too, which gates and <c>--json</c> read.
/// </summary>
internal static class EvaluationOutput
{
    public const string MetricsFile = "metrics.json";
    public const string PredictionsFileName = "predictions.jsonl";

    public static void Write(StepContext context, string output, MetricsDocument document, IReadOnlyList<PredictionRow> predictions)
    {
        string folder = context.OutputDirectory(output);
        var info = new SortedDictionary<string, string>(document.Info ?? new SortedDictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal)
        {
            ["predictions"] = PredictionsFileName,
            ["examples"] = predictions.Count.ToString(CultureInfo.InvariantCulture),
        };
        (document with { Info = info }).Write(Path.Combine(folder, MetricsFile));
        PredictionsFile.Write(Path.Combine(folder, PredictionsFileName), predictions);
        foreach ((string name, MetricEstimate estimate) in document.Metrics)
        {
            context.Log.WriteLine(Describe(name, estimate));
            // The action cache stores plain JSON numbers; an undefined value (an AUC over one class)
            // stays in the document as "NaN", where a gate reading it reports it missing.
            if (double.IsFinite(estimate.Value))
            {
                context.Metric(name, estimate.Value);
            }
        }
    }

    private static string Describe(string name, MetricEstimate estimate) =>
        estimate.CiLow is double low && estimate.CiHigh is double high
            ? string.Create(CultureInfo.InvariantCulture, $"{name}: {estimate.Value:G6} [{low:G6}, {high:G6}] (n {estimate.N}, {estimate.Method})")
            : string.Create(CultureInfo.InvariantCulture, $"{name}: {estimate.Value:G6} (n {estimate.N}, {estimate.Method})");
}

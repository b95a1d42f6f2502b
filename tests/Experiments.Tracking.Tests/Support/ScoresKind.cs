using System.Globalization;
using System.Text;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;

namespace Experiments.Tracking.Tests.Support;

/// <summary>
/// A stand-in evaluation step with exactly controlled per-example scores: example <c>i</c> of
/// <c>n</c> is right unless <c>i % 5 == 0</c> (80 % accuracy); <c>flip</c> of the right ones turn
/// wrong and <c>gain</c> of the wrong ones turn right, from the start. It writes the evaluation
/// issue's documents (<c>metrics.json</c>, <c>predictions.jsonl</c>) into a Metrics output and,
/// unless <c>document_only</c>, reports accuracy as a scalar result too.
/// </summary>
internal sealed class ScoresKind : StepKind
{
    public override StepKindSchema Schema { get; } = new(
        "test.scores", 1, "eval", "Per-example scores with a controlled accuracy.",
        EquatableArray<InputSpec>.Empty,
        EquatableArray.Create(
            ParamSpec.Int("n", "Examples.", @default: 200, min: 1),
            ParamSpec.Int("flip", "Right examples turned wrong.", @default: 0, min: 0),
            ParamSpec.Int("gain", "Wrong examples turned right.", @default: 0, min: 0),
            ParamSpec.Bool("document_only", "Report accuracy only in metrics.json.", @default: false)),
        EquatableArray.Create(new OutputSpec("report", ArtifactType.Metrics, "metrics.json and predictions.jsonl.")));

    public static bool[] Correct(int n, int flip, int gain)
    {
        var correct = Enumerable.Range(0, n).Select(i => i % 5 != 0).ToArray();
        for (int i = 0, flipped = 0, gained = 0; i < n; i++)
        {
            if (correct[i] && flipped < flip)
            {
                correct[i] = false;
                flipped++;
            }
            else if (!correct[i] && gained < gain)
            {
                correct[i] = true;
                gained++;
            }
        }
        return correct;
    }

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        bool[] correct = Correct(context.Params.GetInt32("n"), context.Params.GetInt32("flip"), context.Params.GetInt32("gain"));
        double accuracy = correct.Count(c => c) / (double)correct.Length;
        string folder = context.OutputDirectory("report");
        var rows = new StringBuilder();
        for (int i = 0; i < correct.Length; i++)
        {
            string prediction = correct[i] ? "pos" : "neg";
            int score = correct[i] ? 1 : 0;
            rows.Append("{\"id\":\"ex").Append(i).Append("\",\"prediction\":\"").Append(prediction)
                .Append("\",\"reference\":\"pos\",\"scores\":{\"accuracy\":").Append(score).Append("}}\n");
        }
        await File.WriteAllTextAsync(Path.Combine(folder, "predictions.jsonl"), rows.ToString(), cancellationToken);
        string value = accuracy.ToString("R", CultureInfo.InvariantCulture);
        string document = "{\"metrics\":{\"accuracy\":{\"value\":" + value + ",\"ci_low\":null,\"ci_high\":null,\"n\":"
            + correct.Length.ToString(CultureInfo.InvariantCulture) + ",\"method\":\"test\"}}}";
        await File.WriteAllTextAsync(Path.Combine(folder, "metrics.json"), document, cancellationToken);
        if (!context.Params.GetBool("document_only"))
        {
            context.Metric("accuracy", accuracy);
        }
    }
}

/// <summary>A step that reports a metric series (a loss curve, one NaN included) through the live sink.</summary>
internal sealed class SeriesKind : StepKind
{
    public override StepKindSchema Schema { get; } = new(
        "test.series", 1, "data", "Reports a loss curve.",
        EquatableArray<InputSpec>.Empty,
        EquatableArray.Create(
            ParamSpec.Int("points", "Points.", @default: 10, min: 1),
            ParamSpec.Float("scale", "Scale.", @default: 1.0),
            ParamSpec.Bool("summary_named_loss", "Also report a scalar `loss` (= scale), as training reports learning_rate beside its series.", @default: false)),
        EquatableArray.Create(new OutputSpec("out", ArtifactType.Data, "A marker file.")));

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        long points = context.Params.GetInt("points");
        double scale = context.Params.GetDouble("scale");
        for (long i = 0; i < points; i++)
        {
            context.Track("loss", i, i == 3 ? double.NaN : scale / (i + 1));
        }
        context.Metric("final_loss", scale / points);
        if (context.Params.GetBool("summary_named_loss"))
        {
            context.Metric("loss", scale);
        }
        await File.WriteAllTextAsync(Path.Combine(context.OutputDirectory("out"), "data.jsonl"), "{}\n", cancellationToken);
    }
}

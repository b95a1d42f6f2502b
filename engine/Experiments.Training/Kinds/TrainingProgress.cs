using System.Globalization;
using Experiments.Engine.Execution;
using Experiments.Training.Training;

namespace Experiments.Training.Kinds;

/// <summary>Wires the loop's reports to a step context: series points, progress with loss and tokens/s, log lines.</summary>
internal static class TrainingProgress
{
    public static TrainingHooks For(StepContext context)
    {
        long reported = -1;
        return new TrainingHooks
        {
            StepName = context.StepName,
            Track = context.Track,
            Log = context.Log,
            Progress = (step, total, loss, tokensPerSecond) =>
            {
                // About two hundred updates over a run, however long: enough for a smooth bar.
                long bucket = step * 200 / Math.Max(1, total);
                if (bucket == reported && step != total)
                {
                    return;
                }
                reported = bucket;
                string speed = tokensPerSecond > 0 ? $" · {tokensPerSecond.ToString("N0", CultureInfo.InvariantCulture)} tok/s" : "";
                context.Report((double)step / total, $"step {step}/{total} · loss {loss.ToString("F3", CultureInfo.InvariantCulture)}{speed}");
            },
        };
    }

    /// <summary>The metrics every training step records from its result.</summary>
    public static void Record(StepContext context, TrainingResult result, TrainingOptions options)
    {
        context.Metric("steps", result.Steps);
        context.Metric("train_loss", result.TrainLoss);
        context.Metric("tokens_seen", result.TokensSeen);
        context.Metric("tokens_per_second", result.TokensPerSecond);
        context.Metric("learning_rate", options.LearningRate);
        if (result.ValLoss is double valLoss)
        {
            context.Metric("val_loss", valLoss);
        }
        if (result.ValAccuracy is double accuracy)
        {
            context.Metric("val_accuracy", accuracy);
        }
        if (result.BestStep is long best)
        {
            context.Metric("best_step", best);
        }
        if (result.StoppedEarly)
        {
            context.Metric("stopped_early", 1);
        }
        if (result.ResumedFromStep > 0)
        {
            context.Log.WriteLine($"resumed from step {result.ResumedFromStep}");
        }
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trained {result.Steps} steps: train loss {result.TrainLoss:F4}, val loss {result.ValLoss?.ToString("F4", CultureInfo.InvariantCulture) ?? "-"}, {result.TokensPerSecond:N0} tokens/s"));
    }
}

namespace Experiments.Training.Training;

/// <summary>
/// The learning rate at each optimizer step: linear warmup from lr/warmup to lr, then constant,
/// linear decay to zero, or cosine decay to <c>lr · cosine_min_lr_ratio</c> at the last step.
/// A pure function of the step, so a resumed run continues on exactly the same curve.
/// </summary>
public sealed class LearningRateSchedule(TrainingOptions options)
{
    public double At(long step)
    {
        double peak = options.LearningRate;
        long warmup = Math.Min(options.WarmupSteps, options.MaxSteps);
        if (step < warmup)
        {
            return peak * (step + 1) / warmup;
        }
        long decaySteps = options.MaxSteps - warmup;
        double progress = decaySteps <= 0 ? 1.0 : Math.Clamp((double)(step - warmup) / decaySteps, 0.0, 1.0);
        return options.Scheduler switch
        {
            LrScheduler.Constant => peak,
            LrScheduler.Linear => peak * (1.0 - progress),
            _ => CosineAt(peak, options.CosineMinLrRatio * peak, progress),
        };
    }

    private static double CosineAt(double peak, double floor, double progress) =>
        floor + (peak - floor) * 0.5 * (1.0 + Math.Cos(Math.PI * progress));
}

namespace Experiments.Training.Training;

/// <summary>
/// How the loop reports to the outside: metric points (loss, lr, grad norm, tokens/s, val loss),
/// progress for the terminal, and a log line now and then. The step kinds wire these to the
/// step context; tests and the benchmark pass their own.
/// </summary>
public sealed class TrainingHooks
{
    public static readonly TrainingHooks None = new();

    /// <summary>The graph step's name, for messages ("step 'base': training diverged …").</summary>
    public string StepName { get; init; } = "train";

    public Action<string, long, double>? Track { get; init; }

    /// <summary>(completed steps, total steps, last loss, tokens per second).</summary>
    public Action<long, long, double, double>? Progress { get; init; }

    public TextWriter? Log { get; init; }
}

/// <summary>What a finished training run reports as its step's metrics.</summary>
public sealed record TrainingResult(
    long Steps,
    double TrainLoss,
    double? ValLoss,
    double? ValAccuracy,
    double? BestMetric,
    long? BestStep,
    bool StoppedEarly,
    long TokensSeen,
    double TokensPerSecond,
    int ResumedFromStep);

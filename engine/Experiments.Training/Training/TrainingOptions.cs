namespace Experiments.Training.Training;

/// <summary>The learning-rate schedules after warmup (names as in HF/axolotl <c>lr_scheduler</c>).</summary>
public enum LrScheduler
{
    Constant,
    Linear,
    Cosine,
}

/// <summary>
/// Everything the training loop needs besides the model and the data. Names mirror the options
/// practitioners know from HF Trainer / axolotl (see reference/training-vocabulary.md).
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Optimizer steps to take. Derived from <see cref="NumEpochs"/> when that is given instead.</summary>
    public required long MaxSteps { get; init; }

    public int MicroBatchSize { get; init; } = 16;

    public int GradientAccumulationSteps { get; init; } = 1;

    public double LearningRate { get; init; } = 3e-4;

    public double WeightDecay { get; init; } = 0.01;

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double Epsilon { get; init; } = 1e-8;

    public LrScheduler Scheduler { get; init; } = LrScheduler.Cosine;

    public long WarmupSteps { get; init; }

    public double CosineMinLrRatio { get; init; }

    /// <summary>Clip the global gradient norm to this value; 0 turns clipping off (the norm is still logged).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Evaluate on the validation set every this many steps (and after the last); 0: only after the last.</summary>
    public long EvalSteps { get; init; }

    /// <summary>Stop after this many evaluations without improvement; null: never stop early.</summary>
    public int? EarlyStoppingPatience { get; init; }

    public string MetricForBestModel { get; init; } = "val_loss";

    public bool GreaterIsBetter { get; init; }

    public bool LoadBestModelAtEnd { get; init; } = true;

    /// <summary>Write a checkpoint every this many steps; 0: never.</summary>
    public long SaveSteps { get; init; }

    public int SaveTotalLimit { get; init; } = 2;

    public long LoggingSteps { get; init; } = 10;

    /// <summary>Seed for weight init, dropout and data order (derived from the step key).</summary>
    public long Seed { get; init; }
}

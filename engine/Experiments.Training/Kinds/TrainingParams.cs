using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Training.Native;
using Experiments.Training.Training;

namespace Experiments.Training.Kinds;

/// <summary>
/// The training-loop parameters shared by <c>pretrain</c> and <c>finetune</c>, named as in HF
/// Trainer / axolotl (reference/training-vocabulary.md), and how they become <see cref="TrainingOptions"/>.
/// </summary>
internal static class TrainingParams
{
    public const string Category = "model";

    public static ParamSpec[] Loop(double learningRate, long saveSteps) =>
    [
        Optional("max_steps", ParamType.Int, "Optimizer steps to take; when absent, num_epochs decides.", min: 1),
        ParamSpec.Float("num_epochs", "Passes over the training data (used when max_steps is absent).", @default: 1, min: 0.001, max: 10_000),
        ParamSpec.Int("micro_batch_size", "Sequences per forward pass.", @default: 16, min: 1, max: 65_536),
        ParamSpec.Int("gradient_accumulation_steps", "Micro-batches per optimizer step (the loss is normalised over all of them).", @default: 1, min: 1, max: 65_536),
        ParamSpec.Float("learning_rate", "Peak learning rate of AdamW.", @default: learningRate, min: 0, max: 10),
        ParamSpec.Float("weight_decay", "Decoupled weight decay (not applied to biases, norms or embeddings).", @default: 0.01, min: 0, max: 10),
        ParamSpec.Float("adam_beta1", "AdamW beta1.", @default: 0.9, min: 0, max: 0.999999),
        ParamSpec.Float("adam_beta2", "AdamW beta2.", @default: 0.999, min: 0, max: 0.999999),
        ParamSpec.Choice("lr_scheduler", "Learning-rate schedule after warmup.", "cosine", "constant", "linear", "cosine"),
        Optional("warmup_steps", ParamType.Int, "Linear warmup steps (overrides warmup_ratio).", min: 0),
        ParamSpec.Float("warmup_ratio", "Warmup as a share of all steps.", @default: 0, min: 0, max: 1),
        ParamSpec.Float("cosine_min_lr_ratio", "Cosine schedule ends at learning_rate times this.", @default: 0.1, min: 0, max: 1),
        ParamSpec.Float("max_grad_norm", "Clip the global gradient norm to this (0: no clipping).", @default: 1.0, min: 0),
        ParamSpec.Int("eval_steps", "Evaluate on the validation set every N steps (0: only at the end).", @default: 0, min: 0),
        Optional("early_stopping_patience", ParamType.Int, "Stop after this many evaluations without improvement.", min: 1),
        ParamSpec.Choice("metric_for_best_model", "Metric for early stopping and best-model selection.", "val_loss", "val_loss", "val_accuracy"),
        ParamSpec.Bool("greater_is_better", "Whether a larger metric_for_best_model is better.", @default: false),
        ParamSpec.Bool("load_best_model_at_end", "Keep the best evaluated weights rather than the last.", @default: true),
        ParamSpec.Int("save_steps", "Write a checkpoint every N steps, for resuming an interrupted run (0: never).", @default: saveSteps, min: 0),
        ParamSpec.Int("save_total_limit", "Checkpoints to keep.", @default: 2, min: 1, max: 1000),
        ParamSpec.Int("logging_steps", "Record loss, learning rate, grad norm and tokens/s every N steps.", @default: 10, min: 1),
        ParamSpec.Choice("device", "Where to train: auto picks CUDA when this build has it and a GPU is present.", "auto", "auto", "cpu", "cuda"),
        ParamSpec.Int("threads", "CPU threads for torch (0: one per core). Part of the key: results depend on it.", @default: 0, min: 0, max: 1024),
    ];

    public static ParamSpec Optional(string name, ParamType type, string doc, double? min = null, double? max = null) =>
        new(name, type, doc) { Default = CanonicalValue.Null, Min = min, Max = max };

    /// <summary>What training results depend on besides params and inputs: library versions, device, threads.</summary>
    public static IReadOnlyDictionary<string, string> Facets(IReadOnlyDictionary<string, CanonicalValue> parameters)
    {
        string device = parameters.TryGetValue("device", out CanonicalValue? d) && d is StringCanonical s ? s.Value : "auto";
        int threads = parameters.TryGetValue("threads", out CanonicalValue? t) && t is NumberCanonical n ? (int)n.Value : 0;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["torchsharp"] = TorchRuntime.TorchSharpVersion,
            ["libtorch"] = TorchRuntime.BackendPackage,
            ["device"] = TorchDevice.ResolveKind(device),
            ["threads"] = TorchDevice.ResolveThreads(threads).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The loop options from a step's params; epochs become steps with <paramref name="microBatchesPerEpoch"/>.</summary>
    public static TrainingOptions Options(StepParameters p, long microBatchesPerEpoch, long seed)
    {
        int accumulation = p.GetInt32("gradient_accumulation_steps");
        long maxSteps = p.IsNull("max_steps")
            ? Math.Max(1, (long)Math.Ceiling(p.GetDouble("num_epochs") * microBatchesPerEpoch / accumulation))
            : p.GetInt("max_steps");
        long warmup = p.IsNull("warmup_steps") ? (long)Math.Round(p.GetDouble("warmup_ratio") * maxSteps) : p.GetInt("warmup_steps");
        return new TrainingOptions
        {
            MaxSteps = maxSteps,
            MicroBatchSize = p.GetInt32("micro_batch_size"),
            GradientAccumulationSteps = accumulation,
            LearningRate = p.GetDouble("learning_rate"),
            WeightDecay = p.GetDouble("weight_decay"),
            Beta1 = p.GetDouble("adam_beta1"),
            Beta2 = p.GetDouble("adam_beta2"),
            Scheduler = Enum.Parse<LrScheduler>(p.GetString("lr_scheduler"), ignoreCase: true),
            WarmupSteps = warmup,
            CosineMinLrRatio = p.GetDouble("cosine_min_lr_ratio"),
            MaxGradNorm = p.GetDouble("max_grad_norm"),
            EvalSteps = p.GetInt("eval_steps"),
            EarlyStoppingPatience = p.IsNull("early_stopping_patience") ? null : p.GetInt32("early_stopping_patience"),
            MetricForBestModel = p.GetString("metric_for_best_model"),
            GreaterIsBetter = p.GetBool("greater_is_better"),
            LoadBestModelAtEnd = p.GetBool("load_best_model_at_end"),
            SaveSteps = p.GetInt("save_steps"),
            SaveTotalLimit = p.GetInt32("save_total_limit"),
            LoggingSteps = p.GetInt("logging_steps"),
            Seed = seed,
        };
    }

    /// <summary>
    /// Training takes every core it is given, so the scheduler runs it alone rather than beside other
    /// steps fighting for the same cores.
    /// </summary>
    public static ResourceSlots Slots { get; } = new(Cpu: Math.Max(1, Environment.ProcessorCount), MemoryMb: 1024);

    /// <summary>A nested call with every argument at its default, written out like a user's call would be.</summary>
    public static CanonicalValue DefaultCall(CallSchema schema) =>
        CanonicalValue.Call(schema.Name, schema.Params.Select(p => KeyValuePair.Create(p.Name, p.Default!)));

    public static EquatableArray<ParamSpec> Concat(IEnumerable<ParamSpec> first, IEnumerable<ParamSpec> rest) =>
        first.Concat(rest).ToEquatableArray();
}

using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Training.Models;
using Experiments.Training.Text;
using Experiments.Training.Tokenizers;
using Experiments.Training.Training;
using TorchSharp;

namespace Experiments.Training.Kinds;

/// <summary>
/// <c>finetune(model, data, method: full() | lora(...), objective: causal_lm | classify, ...)</c>:
/// continues training a model on supervised data. LoRA freezes the base and trains low-rank
/// adapters; the output holds the merged weights plus the adapter (PEFT layout).
/// </summary>
public sealed class FinetuneKind : StepKind
{
    private static readonly CallSchema s_full = new("full", "Train every weight.", EquatableArray<ParamSpec>.Empty);

    private static readonly CallSchema s_lora = new(
        "lora",
        "Low-rank adapters on the chosen linear layers; the base stays frozen.",
        EquatableArray.Create(
            ParamSpec.Int("rank", "Adapter rank r (PEFT `r`, axolotl `lora_r`).", @default: 8, min: 1, max: 4096),
            ParamSpec.Float("alpha", "Scaling numerator: updates are scaled by alpha / rank (`lora_alpha`).", @default: 16, min: 0),
            ParamSpec.Float("dropout", "Dropout on the adapter's input (`lora_dropout`).", @default: 0.05, min: 0, max: 0.9),
            new ParamSpec("targets", ParamType.List(ParamType.Choice([.. LoraOptions.AllTargets])), "Layers to adapt (`lora_target_modules`).")
            {
                Default = CanonicalValue.List(LoraOptions.DefaultTargets.Select(CanonicalValue.String)),
            }));

    private static readonly StepKindSchema s_schema = new(
        "finetune",
        Version: 1,
        TrainingParams.Category,
        "Fine-tunes a model (fully or with LoRA) for causal LM on prompt/completion pairs or for classification.",
        EquatableArray.Create(
            new InputSpec("model", ArtifactType.Model, "The model to start from (pretrain or finetune output)."),
            new InputSpec("data", ArtifactType.Data, "The training examples."),
            new InputSpec("val", ArtifactType.Data, "Validation examples (default: hold out val_set_size of the data).", Required: false)),
        TrainingParams.Concat(
            [
                new ParamSpec("method", ParamType.Call(s_full, s_lora), "full() or lora(rank, alpha, dropout, targets).")
                {
                    Default = TrainingParams.DefaultCall(s_full),
                },
                ParamSpec.Choice("objective", "causal_lm: loss on completions; classify: a label per row.", "causal_lm", "causal_lm", "classify"),
                ParamSpec.String("prompt_field", "causal_lm: the prompt field.", "prompt"),
                ParamSpec.String("completion_field", "causal_lm: the completion field.", "completion"),
                ParamSpec.String("separator", "causal_lm: text between prompt and completion.", " "),
                ParamSpec.Bool("train_on_inputs", "causal_lm: take the loss on prompt tokens too.", @default: false),
                ParamSpec.String("text_field", "classify: the text field.", "text"),
                ParamSpec.String("label_field", "classify: the label field.", "label"),
                ParamSpec.Choice("class_weights", "classify: none, or balanced (n / (classes · count)) against imbalance.", "none", "none", "balanced"),
                ParamSpec.Float("val_set_size", "Share of the data held out for validation when there is no `val` input.", @default: 0.0, min: 0, max: 0.5),
            ],
            TrainingParams.Loop(learningRate: 3e-4, saveSteps: 100)),
        EquatableArray.Create(new OutputSpec("model", ArtifactType.Model, "config.json, model.safetensors (merged), the tokenizer, and for LoRA the adapter files.")))
    {
        Slots = TrainingParams.Slots,
    };

    public override StepKindSchema Schema => s_schema;

    public override IReadOnlyDictionary<string, string> EnvironmentFacets(IReadOnlyDictionary<string, CanonicalValue> parameters) =>
        TrainingParams.Facets(parameters);

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        StepParameters p = context.Params;
        torch.Device device = TorchDevice.Prepare(p.GetString("device"), p.GetInt32("threads"));
        using MaterializedFolder baseFolder = ModelFolder.Materialize(context.Input("model"));
        TextTokenizer tokenizer = TextTokenizer.Load(context, "model");
        GptConfig baseConfig = ModelFolder.ReadConfig(baseFolder.Path, "input 'model'");
        var objective = p.GetString("objective") == "classify" ? Objective.Classify : Objective.CausalLm;

        List<string[]> trainRows = ReadRows(context, "data", objective, cancellationToken);
        List<string[]> valRows = context.HasInput("val") ? ReadRows(context, "val", objective, cancellationToken) : [];
        if (!context.HasInput("val"))
        {
            (trainRows, valRows) = ValidationSplit.HoldOut(trainRows, p.GetDouble("val_set_size"), context.Seed);
        }
        string[] labels = objective == Objective.Classify
            ? trainRows.Concat(valRows).Select(r => r[1]).Distinct().Order(StringComparer.Ordinal).ToArray()
            : [];
        var encoder = new ExampleEncoder(tokenizer, baseConfig.Context, objective, p.GetString("separator"), labels);
        List<SupervisedExample> train = trainRows.Select(encoder.Encode).ToList();
        List<SupervisedExample> val = valRows.Select(encoder.Encode).ToList();
        context.Log.WriteLine($"examples: {train.Count} train, {val.Count} validation; {encoder.Truncated} truncated to the context of {baseConfig.Context}");

        double[]? classWeights = objective == Objective.Classify && p.GetString("class_weights") == "balanced" ? Balanced(train, labels.Length) : null;
        var data = new SupervisedData(train, val, objective, p.GetInt32("micro_batch_size"), tokenizer.EndOfText,
            p.GetBool("train_on_inputs"), classWeights, context.Seed);
        TrainingOptions options = TrainingParams.Options(p, data.MicroBatchesPerEpoch, context.Seed);

        torch.manual_seed(context.Seed);
        using Gpt model = ModelFolder.Load(baseFolder.Path, "input 'model'", c => c with { Labels = labels });
        model.to(device);
        if (p.GetCall("method") is { Name: "lora" } lora)
        {
            model.AddLora(LoraFrom(lora));
        }
        long total = model.ParameterCount();
        long trainable = model.ParameterCount(trainableOnly: true);
        context.Log.WriteLine($"parameters: {total:N0}, trainable {trainable:N0} ({100.0 * trainable / total:F2}%)");

        Checkpointer? checkpoints = context.CheckpointDirectory is string root ? new Checkpointer(root, options.SaveTotalLimit) : null;
        var trainer = new Trainer(model, data, objective, options, device, checkpoints, TrainingProgress.For(context), classWeights);
        TrainingResult result = trainer.Run(cancellationToken);

        ModelFolder.Save(context.OutputDirectory("model"), model, tokenizer);
        context.Metric("parameters", total);
        context.Metric("trainable_parameters", trainable);
        context.Metric("trainable_share", (double)trainable / total);
        context.Metric("examples", train.Count);
        context.Metric("truncated_examples", encoder.Truncated);
        TrainingProgress.Record(context, result, options);
        return Task.CompletedTask;
    }

    internal static LoraOptions LoraFrom(CallCanonical lora) => new(
        (int)((NumberCanonical)lora.Get("rank")!).Value,
        ((NumberCanonical)lora.Get("alpha")!).Value,
        ((NumberCanonical)lora.Get("dropout")!).Value,
        ((ListCanonical)lora.Get("targets")!).Items.Select(t => ((StringCanonical)t).Value).ToArray());

    private static List<string[]> ReadRows(StepContext context, string input, Objective objective, CancellationToken cancellationToken)
    {
        StepParameters p = context.Params;
        string[] fields = objective == Objective.Classify
            ? [p.GetString("text_field"), p.GetString("label_field")]
            : [p.GetString("prompt_field"), p.GetString("completion_field")];
        return TrainingRows.Read(context, input, fields, cancellationToken);
    }

    /// <summary>sklearn's "balanced": n / (classes · count of the class).</summary>
    private static double[] Balanced(List<SupervisedExample> train, int classes)
    {
        var counts = new long[classes];
        foreach (SupervisedExample example in train)
        {
            counts[example.Label]++;
        }
        return counts.Select(c => c == 0 ? 0.0 : (double)train.Count / (classes * c)).ToArray();
    }
}

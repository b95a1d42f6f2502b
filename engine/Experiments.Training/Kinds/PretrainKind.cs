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
/// <c>pretrain(corpus, tokenizer, arch: gpt(...), ...)</c>: trains a GPT from scratch as a causal
/// language model on the corpus's text fields, each row one document ending in end-of-text.
/// Validation: the <c>val</c> input, or a seeded <c>val_set_size</c> share of the corpus's rows.
/// </summary>
public sealed class PretrainKind : StepKind
{
    private static readonly CallSchema s_gpt = new(
        "gpt",
        "A decoder-only transformer.",
        EquatableArray.Create(
            ParamSpec.Int("layers", "Transformer blocks.", @default: 4, min: 1, max: 256),
            ParamSpec.Int("dim", "Model width (embedding size).", @default: 128, min: 8, max: 65_536),
            ParamSpec.Int("heads", "Attention heads; must divide dim.", @default: 4, min: 1, max: 1024),
            ParamSpec.Int("context", "Context length in tokens.", @default: 64, min: 2, max: 65_536),
            ParamSpec.Float("dropout", "Dropout on embeddings, attention and residuals.", @default: 0.0, min: 0, max: 0.9),
            ParamSpec.Bool("tied", "Tie the LM head to the token embedding.", @default: true)));

    private static readonly StepKindSchema s_schema = new(
        "pretrain",
        Version: 1,
        TrainingParams.Category,
        "Pretrains a GPT from scratch on a corpus as a causal language model.",
        EquatableArray.Create(
            new InputSpec("corpus", ArtifactType.Data, "The documents: rows whose `fields` are joined into one text each."),
            new InputSpec("tokenizer", ArtifactType.Tokenizer, "The tokenizer (from a `tokenizer` step)."),
            new InputSpec("val", ArtifactType.Data, "Validation documents (default: hold out val_set_size of the corpus).", Required: false)),
        TrainingParams.Concat(
            [
                new ParamSpec("arch", ParamType.Call(s_gpt), "The model: gpt(layers, dim, heads, context, dropout, tied).")
                {
                    Default = TrainingParams.DefaultCall(s_gpt),
                },
                new ParamSpec("fields", ParamType.List(ParamType.String), "Row fields joined with a space into each document.")
                {
                    Default = CanonicalValue.List([CanonicalValue.String("text")]),
                },
                ParamSpec.Float("val_set_size", "Share of the corpus's rows held out for validation when there is no `val` input.", @default: 0.05, min: 0, max: 0.5),
            ],
            TrainingParams.Loop(learningRate: 1e-3, saveSteps: 100)),
        EquatableArray.Create(new OutputSpec("model", ArtifactType.Model, "config.json, model.safetensors and the tokenizer's files.")))
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
        TextTokenizer tokenizer = TextTokenizer.Load(context, "tokenizer");
        GptConfig config = Architecture(p.GetCall("arch")!, tokenizer.VocabSize);

        IReadOnlyList<string> fields = p.GetStringList("fields");
        List<string> documents = CorpusText.Read(context, "corpus", fields, cancellationToken).ToList();
        List<string> validation;
        if (context.HasInput("val"))
        {
            validation = CorpusText.Read(context, "val", fields, cancellationToken).ToList();
        }
        else
        {
            (documents, validation) = ValidationSplit.HoldOut(documents, p.GetDouble("val_set_size"), context.Seed);
        }
        int[] trainStream = Stream(tokenizer, documents);
        int[] valStream = Stream(tokenizer, validation);
        context.Log.WriteLine($"corpus: {documents.Count} documents, {trainStream.Length} tokens; validation: {validation.Count} documents, {valStream.Length} tokens");

        var data = new LanguageModelData(trainStream, valStream, config.Context, p.GetInt32("micro_batch_size"), context.Seed);
        TrainingOptions options = TrainingParams.Options(p, data.MicroBatchesPerEpoch, context.Seed);

        torch.manual_seed(context.Seed);
        using var model = new Gpt(config);
        model.to(device);
        Checkpointer? checkpoints = context.CheckpointDirectory is string root ? new Checkpointer(root, options.SaveTotalLimit) : null;
        TrainingResult result = new Trainer(model, data, Objective.CausalLm, options, device, checkpoints, TrainingProgress.For(context))
            .Run(cancellationToken);

        ModelFolder.Save(context.OutputDirectory("model"), model, tokenizer);
        context.Metric("parameters", model.ParameterCount());
        context.Metric("corpus_tokens", trainStream.Length);
        TrainingProgress.Record(context, result, options);
        return Task.CompletedTask;
    }

    private static GptConfig Architecture(CallCanonical arch, int vocabSize)
    {
        int Int(string name) => (int)((NumberCanonical)arch.Get(name)!).Value;
        var config = new GptConfig
        {
            VocabSize = vocabSize,
            Layers = Int("layers"),
            Dim = Int("dim"),
            Heads = Int("heads"),
            Context = Int("context"),
            Dropout = ((NumberCanonical)arch.Get("dropout")!).Value,
            TiedEmbeddings = ((BoolCanonical)arch.Get("tied")!).Value,
        };
        string[] problems = config.Problems().ToArray();
        return problems.Length == 0 ? config : throw new StepFailedException($"arch: {string.Join("; ", problems)}.");
    }

    /// <summary>Every document's ids followed by end-of-text, in one stream.</summary>
    private static int[] Stream(TextTokenizer tokenizer, List<string> documents)
    {
        var stream = new List<int>();
        foreach (string document in documents)
        {
            stream.AddRange(tokenizer.Encode(document));
            stream.Add(tokenizer.EndOfText);
        }
        return stream.ToArray();
    }
}

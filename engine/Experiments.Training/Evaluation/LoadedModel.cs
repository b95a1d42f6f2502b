using Experiments.Engine.Execution;
using Experiments.Training.Kinds;
using Experiments.Training.Models;
using Experiments.Training.Tokenizers;
using TorchSharp;

namespace Experiments.Training.Evaluation;

/// <summary>
/// The <c>model</c> input of an evaluation step, loaded on its device with its tokenizer: a
/// classifier when its config lists labels, else a causal language model.
/// </summary>
internal sealed class LoadedModel : IDisposable
{
    private LoadedModel(Gpt model, TextTokenizer tokenizer, torch.Device device)
    {
        Model = model;
        Tokenizer = tokenizer;
        Device = device;
    }

    public Gpt Model { get; }

    public TextTokenizer Tokenizer { get; }

    public torch.Device Device { get; }

    public GptConfig Config => Model.Config;

    public IReadOnlyList<string> Labels => Model.Config.Labels;

    public bool IsClassifier => Labels.Count > 0;

    public static LoadedModel Load(StepContext context)
    {
        StepParameters p = context.Params;
        torch.Device device = TorchDevice.Prepare(p.GetString("device"), p.GetInt32("threads"));
        using MaterializedFolder folder = ModelFolder.Materialize(context.Input("model"));
        TextTokenizer tokenizer = TextTokenizer.Load(context, "model");
        Gpt model = ModelFolder.Load(folder.Path, "input 'model'");
        model.to(device);
        return new LoadedModel(model, tokenizer, device);
    }

    /// <summary>
    /// The index of the positive label: the one named, else the second of exactly two labels (1 of
    /// 0/1, "positive" of negative/positive in ordinal order); -1 when there is none to pick.
    /// </summary>
    public int PositiveIndex(string? positiveLabel)
    {
        if (positiveLabel is not null)
        {
            int index = Labels.ToList().IndexOf(positiveLabel);
            return index >= 0
                ? index
                : throw new StepFailedException($"positive_label '{positiveLabel}' is not a label of the model (its labels: {string.Join(", ", Labels)}).");
        }
        return Labels.Count == 2 ? 1 : -1;
    }

    public void Dispose() => Model.Dispose();
}

using Experiments.Training.Models;
using Experiments.Training.Native;
using Experiments.Training.Training;
using TorchSharp;

namespace Experiments.Training.Tests;

/// <summary>Small models and data the tests train in milliseconds.</summary>
internal static class TinyModels
{
    public static readonly GptConfig Config = new() { VocabSize = 32, Layers = 2, Dim = 32, Heads = 2, Context = 16 };

    /// <summary>A model with weights from <paramref name="seed"/>, on one thread (bit-reproducible on CPU).</summary>
    public static Gpt Create(long seed = 1, GptConfig? config = null)
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
        torch.manual_seed(seed);
        return new Gpt(config ?? Config);
    }

    /// <summary>Seeded prompt/completion examples over the tiny vocabulary, of varying lengths.</summary>
    public static List<SupervisedExample> Examples(int count, long seed = 7, int endOfText = 31)
    {
        var random = new Random((int)seed);
        var examples = new List<SupervisedExample>();
        for (int i = 0; i < count; i++)
        {
            int prompt = random.Next(2, 6);
            int completion = random.Next(1, 5);
            int[] ids = Enumerable.Range(0, prompt + completion).Select(_ => random.Next(0, 30)).Append(endOfText).ToArray();
            examples.Add(new SupervisedExample(ids, prompt, -1));
        }
        return examples;
    }

    public static SupervisedData Data(List<SupervisedExample> train, int rows, long seed = 3, List<SupervisedExample>? val = null) =>
        new(train, val ?? [], Objective.CausalLm, rows, padId: 31, trainOnInputs: false, classWeights: null, seed);

    public static TrainingOptions Options(long steps, int batch = 4, int accumulation = 1) => new()
    {
        MaxSteps = steps,
        MicroBatchSize = batch,
        GradientAccumulationSteps = accumulation,
        LearningRate = 1e-2,
        Scheduler = LrScheduler.Constant,
        MaxGradNorm = 0,
        LoggingSteps = 1,
        Seed = 5,
    };

    /// <summary>Every weight's bytes in name order: equal arrays mean bit-identical models.</summary>
    public static byte[] WeightBytes(Gpt model)
    {
        using var stream = new MemoryStream();
        foreach ((string name, torch.Tensor tensor) in model.state_dict().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(name));
            stream.Write(tensor.contiguous().bytes);
        }
        return stream.ToArray();
    }

    public static float[] Values(torch.Tensor tensor) => tensor.detach().cpu().contiguous().data<float>().ToArray();
}

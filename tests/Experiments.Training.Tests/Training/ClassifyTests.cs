using Experiments.Training.Models;
using Experiments.Training.Training;
using TorchSharp;

namespace Experiments.Training.Tests.Training;

public sealed class ClassifyTests
{
    /// <summary>Label = whether the sequence starts with token 1 or token 2; the rest is noise.</summary>
    private static List<SupervisedExample> Separable(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int label = random.Next(2);
            int[] ids = [label + 1, .. Enumerable.Range(0, random.Next(2, 8)).Select(_ => random.Next(3, 30))];
            return new SupervisedExample(ids, ids.Length, label);
        }).ToList();
    }

    [Fact]
    public void A_classification_head_learns_separable_labels()
    {
        using Gpt model = TinyModels.Create(config: TinyModels.Config with { Labels = ["neg", "pos"] });
        var data = new SupervisedData(Separable(64, 1), Separable(32, 2), Objective.Classify, 8, 31, false, null, 4);
        var trainer = new Trainer(model, data, Objective.Classify, TinyModels.Options(80, batch: 8) with { LearningRate = 3e-3 }, torch.CPU);

        TrainingResult result = trainer.Run(CancellationToken.None);

        // Chance is 0.5 and ln 2 = 0.69: the head has learned the rule, not the label shares.
        Assert.True(result.ValAccuracy >= 0.9, $"val accuracy {result.ValAccuracy}");
        Assert.True(result.ValLoss < 0.35, $"val loss {result.ValLoss}");
    }

    [Fact]
    public void Class_weights_scale_each_example_and_the_denominator()
    {
        var examples = new List<SupervisedExample> { new([1, 5], 2, 0), new([2, 6], 2, 1), new([2, 7], 2, 1) };
        var data = new SupervisedData(examples, [], Objective.Classify, 3, 31, false, [3.0, 0.5], 1);

        MicroBatch batch = data.Get(0);

        Assert.Equal(3.0 + 0.5 + 0.5, batch.Weight);
        Assert.Equal([1L, 1L, 1L], batch.LastIndex!);
    }
}

using Experiments.Engine.Execution;
using Experiments.Training.Models;
using Experiments.Training.Training;
using TorchSharp;

namespace Experiments.Training.Tests.Training;

public sealed class TrainerTests
{
    [Fact]
    public void Batch_4_times_accumulate_4_takes_the_same_step_as_batch_16()
    {
        List<SupervisedExample> examples = TinyModels.Examples(64);
        using Gpt accumulated = TinyModels.Create();
        using Gpt single = TinyModels.Create();
        var byFour = new Trainer(accumulated, TinyModels.Data(examples, rows: 4), Objective.CausalLm, TinyModels.Options(1, batch: 4, accumulation: 4), torch.CPU);
        var bySixteen = new Trainer(single, TinyModels.Data(examples, rows: 16), Objective.CausalLm, TinyModels.Options(1, batch: 16, accumulation: 1), torch.CPU);

        (double lossFour, long tokensFour) = byFour.Backward(0);
        (double lossSixteen, long tokensSixteen) = bySixteen.Backward(0);

        Assert.Equal(tokensSixteen, tokensFour);
        Assert.Equal(lossSixteen, lossFour, 1e-6);
        var expected = single.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in accumulated.named_parameters())
        {
            float[] a = TinyModels.Values(parameter.grad!);
            float[] b = TinyModels.Values(expected[name].grad!);
            double worst = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
            Assert.True(worst <= 1e-6, $"the gradient of {name} differs by {worst}");
        }
        Assert.Contains(single.named_parameters(), p => TinyModels.Values(p.parameter.grad!).Any(v => Math.Abs(v) > 1e-4));
    }

    [Fact]
    public void Accumulated_and_single_batches_end_three_steps_at_the_same_weights()
    {
        List<SupervisedExample> examples = TinyModels.Examples(64);
        using Gpt accumulated = TinyModels.Create();
        using Gpt single = TinyModels.Create();
        // A small learning rate: Adam divides by the gradient's own scale, so where a gradient is
        // near zero the rounding of two summation orders would otherwise be magnified.
        new Trainer(accumulated, TinyModels.Data(examples, rows: 4), Objective.CausalLm, TinyModels.Options(3, batch: 4, accumulation: 4) with { LearningRate = 1e-4 }, torch.CPU)
            .Run(CancellationToken.None);
        new Trainer(single, TinyModels.Data(examples, rows: 16), Objective.CausalLm, TinyModels.Options(3, batch: 16, accumulation: 1) with { LearningRate = 1e-4 }, torch.CPU)
            .Run(CancellationToken.None);

        var expected = single.state_dict();
        foreach ((string name, torch.Tensor tensor) in accumulated.state_dict())
        {
            double worst = TinyModels.Values(tensor).Zip(TinyModels.Values(expected[name]), (x, y) => Math.Abs(x - y)).Max();
            Assert.True(worst <= 1e-6, $"{name} differs by {worst}");
        }
        using Gpt untouched = TinyModels.Create();
        Assert.NotEqual(TinyModels.WeightBytes(untouched), TinyModels.WeightBytes(single));
    }

    [Fact]
    public void Two_runs_of_the_same_training_give_identical_weight_bytes()
    {
        byte[] Train()
        {
            using Gpt model = TinyModels.Create(seed: 11, TinyModels.Config with { Dropout = 0.1 });
            new Trainer(model, TinyModels.Data(TinyModels.Examples(40), rows: 4), Objective.CausalLm, TinyModels.Options(8), torch.CPU)
                .Run(CancellationToken.None);
            return TinyModels.WeightBytes(model);
        }

        Assert.Equal(Train(), Train());
    }

    [Fact]
    public void A_run_resumed_from_its_checkpoint_ends_with_the_weights_of_an_uninterrupted_run()
    {
        string root = Directory.CreateTempSubdirectory("exp-ckpt-").FullName;
        try
        {
            TrainingOptions options = TinyModels.Options(12) with { SaveSteps = 4, SaveTotalLimit = 2 };
            List<SupervisedExample> examples = TinyModels.Examples(40);
            GptConfig withDropout = TinyModels.Config with { Dropout = 0.2 };

            using Gpt straight = TinyModels.Create(seed: 3, withDropout);
            new Trainer(straight, TinyModels.Data(examples, rows: 4), Objective.CausalLm, options, torch.CPU).Run(CancellationToken.None);

            // First attempt: stopped after step 6, so the newest checkpoint is step 4 and the RNG has moved on since.
            using (Gpt interrupted = TinyModels.Create(seed: 3, withDropout))
            {
                new Trainer(interrupted, TinyModels.Data(examples, rows: 4), Objective.CausalLm, options with { MaxSteps = 6 }, torch.CPU,
                    new Checkpointer(root, 2)).Run(CancellationToken.None);
            }
            Assert.True(Directory.Exists(Path.Combine(root, "checkpoint-4")));
            torch.manual_seed(999); // a different process would have a different generator state

            using Gpt resumed = TinyModels.Create(seed: 3, withDropout);
            TrainingResult result = new Trainer(resumed, TinyModels.Data(examples, rows: 4), Objective.CausalLm, options, torch.CPU,
                new Checkpointer(root, 2)).Run(CancellationToken.None);

            Assert.Equal(4, result.ResumedFromStep);
            Assert.Equal(TinyModels.WeightBytes(straight), TinyModels.WeightBytes(resumed));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Keeps_only_the_newest_checkpoints()
    {
        string root = Directory.CreateTempSubdirectory("exp-ckpt-").FullName;
        try
        {
            using Gpt model = TinyModels.Create();
            new Trainer(model, TinyModels.Data(TinyModels.Examples(20), rows: 4), Objective.CausalLm,
                TinyModels.Options(9) with { SaveSteps = 2, SaveTotalLimit = 2 }, torch.CPU, new Checkpointer(root, 2)).Run(CancellationToken.None);

            string[] kept = Directory.GetDirectories(root, "checkpoint-*").Select(Path.GetFileName).Order().ToArray()!;
            Assert.Equal(["checkpoint-6", "checkpoint-8"], kept);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_diverging_loss_stops_with_the_step_number_and_the_last_finite_loss()
    {
        using Gpt model = TinyModels.Create();
        var trainer = new Trainer(model, TinyModels.Data(TinyModels.Examples(20), rows: 4), Objective.CausalLm,
            TinyModels.Options(50) with { LearningRate = 1e12 }, torch.CPU, hooks: new TrainingHooks { StepName = "base" });

        StepFailedException failure = Assert.Throws<StepFailedException>(() => trainer.Run(CancellationToken.None));

        Assert.Matches(@"^step 'base': training diverged at training step \d+ of 50: the (loss|gradient norm) is (NaN|\+Inf|-Inf) \(the last finite loss was [0-9.]+ at step \d+\)", failure.Message);
    }

    [Fact]
    public void Early_stopping_ends_the_run_and_keeps_the_best_model()
    {
        string root = Directory.CreateTempSubdirectory("exp-ckpt-").FullName;
        try
        {
            List<SupervisedExample> train = TinyModels.Examples(16, seed: 1);
            List<SupervisedExample> val = TinyModels.Examples(16, seed: 2); // unrelated random tokens: memorising train hurts val
            using Gpt model = TinyModels.Create();
            TrainingOptions options = TinyModels.Options(400) with { LearningRate = 3e-2, EvalSteps = 5, EarlyStoppingPatience = 2 };
            var trainer = new Trainer(model, TinyModels.Data(train, rows: 4, val: val), Objective.CausalLm, options, torch.CPU, new Checkpointer(root, 1));

            TrainingResult result = trainer.Run(CancellationToken.None);

            Assert.True(result.StoppedEarly);
            Assert.True(result.Steps < 400);
            Assert.NotNull(result.BestStep);
            Assert.Equal(result.BestMetric!.Value, result.ValLoss!.Value, 5);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

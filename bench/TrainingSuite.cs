using System.Diagnostics;
using Experiments.Training.Models;
using Experiments.Training.Native;
using Experiments.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Experiments.Bench;

/// <summary>
/// The `training` suite: tokens/s of the pretrain loop on a fixed model (4 layers, dim 256, 4 heads,
/// context 128, micro-batch 16), the machine's fp32 matmul peak measured in the same run, and the
/// model's FLOPs/s as a share of that peak (MFU); then LoRA rank 8 against full fine-tuning: step
/// time and optimizer-state size. In-process: the loop is what is measured, not process start-up.
/// </summary>
internal sealed class TrainingSuite(bool quick)
{
    private static readonly GptConfig s_model = new() { VocabSize = 512, Layers = 4, Dim = 256, Heads = 4, Context = 128 };
    private const int Batch = 16;

    public Task<int> RunAsync()
    {
        TorchRuntime.EnsureLoaded();
        int threads = Environment.ProcessorCount;
        set_num_threads(threads);
        int warmup = quick ? 1 : 3;
        int measured = quick ? 3 : 12;
        Console.WriteLine($"training: {s_model.Layers} layers, dim {s_model.Dim}, {s_model.Heads} heads, context {s_model.Context}, batch {Batch}, {threads} threads");

        double peak = MatmulPeakGflops(quick);
        Console.WriteLine($"  fp32 matmul peak          {peak,8:F1} GFLOP/s");

        (double fullSeconds, long fullState, long parameters) = StepSeconds(lora: null, warmup, measured);
        double tokensPerSecond = Batch * s_model.Context / fullSeconds;
        double flopsPerToken = FlopsPerToken(parameters);
        double mfu = tokensPerSecond * flopsPerToken / (peak * 1e9);
        Console.WriteLine($"  pretrain step             {fullSeconds,8:F3} s   {tokensPerSecond,8:F0} tokens/s   MFU {mfu:P1} of the measured peak");

        var rank8 = new LoraOptions(8, 16, 0.0, LoraOptions.DefaultTargets);
        (double loraSeconds, long loraState, _) = StepSeconds(rank8, warmup, measured);
        Console.WriteLine($"  LoRA r=8 step             {loraSeconds,8:F3} s   ({loraSeconds / fullSeconds:P0} of full)   optimizer state {loraState / 1024.0:F0} KiB vs {fullState / 1024.0:F0} KiB");

        string path = ResultsFile.Write("training",
        [
            new("layers", s_model.Layers), new("dim", s_model.Dim), new("heads", s_model.Heads), new("context", s_model.Context),
            new("micro_batch_size", Batch), new("threads", threads), new("parameters", parameters),
            new("measured_steps", measured),
            new("step_seconds", Math.Round(fullSeconds, 4)),
            new("tokens_per_second", Math.Round(tokensPerSecond, 1)),
            new("model_flops_per_token", flopsPerToken),
            new("matmul_peak_gflops", Math.Round(peak, 2)),
            new("mfu_share", Math.Round(mfu, 4)),
            new("lora_step_seconds", Math.Round(loraSeconds, 4)),
            new("lora_step_ratio", Math.Round(loraSeconds / fullSeconds, 4)),
            new("lora_optimizer_state_bytes", loraState),
            new("full_optimizer_state_bytes", fullState),
            new("lora_optimizer_state_share", Math.Round((double)loraState / fullState, 6)),
        ]);
        Console.WriteLine($"wrote {path}");
        return Task.FromResult(0);
    }

    /// <summary>
    /// nanoGPT's estimate (PaLM appendix B): 6 FLOPs per parameter per token for forward and
    /// backward, without the position table, plus attention's 12·layers·dim·context.
    /// </summary>
    private static double FlopsPerToken(long parameters)
    {
        long positions = (long)s_model.Context * s_model.Dim;
        return 6.0 * (parameters - positions) + 12.0 * s_model.Layers * s_model.Dim * s_model.Context;
    }

    /// <summary>Mean seconds per optimizer step of the real loop after warmup, with its optimizer-state bytes.</summary>
    private static (double Seconds, long StateBytes, long Parameters) StepSeconds(LoraOptions? lora, int warmup, int measured)
    {
        manual_seed(1);
        using var model = new Gpt(s_model);
        long parameters = model.ParameterCount();
        if (lora is not null)
        {
            model.AddLora(lora);
        }
        var random = new Random(3);
        int[] stream = Enumerable.Range(0, 200_000).Select(_ => random.Next(s_model.VocabSize)).ToArray();
        var data = new LanguageModelData(stream, [], s_model.Context, Batch, seed: 5);
        long stepsDone = 0;
        var clock = new Stopwatch();
        var hooks = new TrainingHooks
        {
            Progress = (step, _, _, _) =>
            {
                stepsDone = step;
                if (step == warmup)
                {
                    clock.Start();
                }
            },
        };
        var options = new TrainingOptions { MaxSteps = warmup + measured, MicroBatchSize = Batch, LearningRate = 3e-4, LoggingSteps = 1_000_000, Seed = 7 };
        var trainer = new Trainer(model, data, Objective.CausalLm, options, CPU, hooks: hooks);
        trainer.Run(CancellationToken.None);
        clock.Stop();
        using var optimizer = new AdamW(model.TrainableParameters(), options);
        return (clock.Elapsed.TotalSeconds / measured, optimizer.StateBytes, parameters);
    }

    /// <summary>The best fp32 GFLOP/s of square and model-shaped matmuls (2·m·n·k FLOPs each).</summary>
    private static double MatmulPeakGflops(bool quick)
    {
        (int M, int N, int K)[] shapes =
        [
            (1024, 1024, 1024),
            (2048, 2048, 2048),
            (Batch * s_model.Context, 4 * s_model.Dim, s_model.Dim),
            (Batch * s_model.Context, s_model.Dim, 4 * s_model.Dim),
            (Batch * s_model.Context, 3 * s_model.Dim, s_model.Dim),
        ];
        double best = 0;
        foreach ((int m, int n, int k) in shapes)
        {
            using Tensor a = randn(m, k);
            using Tensor b = randn(k, n);
            for (int i = 0; i < 2; i++)
            {
                a.mm(b).Dispose();
            }
            int repeats = quick ? 3 : 10;
            for (int round = 0; round < (quick ? 1 : 3); round++)
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < repeats; i++)
                {
                    a.mm(b).Dispose();
                }
                double seconds = clock.Elapsed.TotalSeconds / repeats;
                best = Math.Max(best, 2.0 * m * n * k / seconds / 1e9);
            }
        }
        return best;
    }
}

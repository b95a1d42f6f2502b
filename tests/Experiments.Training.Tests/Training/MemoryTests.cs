using Experiments.Training.Models;
using Experiments.Training.Training;
using TorchSharp;

namespace Experiments.Training.Tests.Training;

public sealed class MemoryTests
{
    /// <summary>The stated bound: what 250 more steps may add to the process's resident memory.</summary>
    private const long BoundBytes = 24L * 1024 * 1024;

    [Fact]
    public void A_300_step_loop_does_not_grow_resident_memory_beyond_the_bound()
    {
        using Gpt model = TinyModels.Create();
        var examples = TinyModels.Examples(64);
        long atFifty = 0;
        long atEnd = 0;
        var hooks = new TrainingHooks
        {
            Progress = (step, total, _, _) =>
            {
                if (step == 50)
                {
                    atFifty = ResidentBytes();
                }
                else if (step == total)
                {
                    atEnd = ResidentBytes();
                }
            },
        };
        TrainingOptions options = TinyModels.Options(300) with { LearningRate = 1e-3, MaxGradNorm = 1.0 };
        var data = new SupervisedData(examples, TinyModels.Examples(8, seed: 9), Objective.CausalLm, 8, 31, false, null, 1);

        new Trainer(model, data, Objective.CausalLm, options with { EvalSteps = 25 }, torch.CPU, hooks: hooks).Run(CancellationToken.None);

        Assert.True(atFifty > 0 && atEnd > 0);
        long growth = atEnd - atFifty;
        Assert.True(growth < BoundBytes, $"resident memory grew by {growth / 1024} KiB between steps 50 and 300");
    }

    /// <summary>Resident set size from /proc (native allocations included, unlike the GC's counters).</summary>
    private static long ResidentBytes()
    {
        string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }
}

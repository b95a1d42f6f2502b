using Experiments.Engine.Execution;
using Experiments.Training.Native;
using TorchSharp;

namespace Experiments.Training.Kinds;

/// <summary>Resolves the <c>device</c> and <c>threads</c> params to what a step actually runs on.</summary>
public static class TorchDevice
{
    /// <summary>
    /// "cpu" or "cuda". A CPU-only build answers without loading libtorch, so computing keys stays
    /// cheap; a CUDA build asks the driver when the choice is auto.
    /// </summary>
    public static string ResolveKind(string choice) => choice switch
    {
        "cpu" => "cpu",
        "cuda" => "cuda",
        _ when !TorchRuntime.CudaBuild => "cpu",
        _ => CudaAvailable() ? "cuda" : "cpu",
    };

    public static int ResolveThreads(int requested) => requested > 0 ? requested : Math.Max(1, Environment.ProcessorCount);

    /// <summary>Loads libtorch, sets the thread count and returns the device, or fails the step saying why.</summary>
    public static torch.Device Prepare(string choice, int threads)
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(ResolveThreads(threads));
        string kind = ResolveKind(choice);
        if (kind == "cuda")
        {
            if (!TorchRuntime.CudaBuild)
            {
                throw new StepFailedException("device: cuda was asked for, but this build has the CPU backend; build with -p:TorchBackend=cuda (its package must be on your feed) or use device: cpu.");
            }
            if (!CudaAvailable())
            {
                throw new StepFailedException("device: cuda was asked for, but no CUDA device is visible (torch.cuda.is_available() is false).");
            }
            return torch.CUDA;
        }
        return torch.CPU;
    }

    private static bool CudaAvailable()
    {
        TorchRuntime.EnsureLoaded();
        return torch.cuda.is_available();
    }
}

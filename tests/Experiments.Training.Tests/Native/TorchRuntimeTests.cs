using Experiments.Training.Native;
using TorchSharp;

namespace Experiments.Training.Tests.Native;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void Loads_the_native_library_and_computes()
    {
        TorchRuntime.EnsureLoaded();

        using torch.Tensor a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using torch.Tensor b = a.matmul(a.t());

        Assert.Equal(new float[] { 5, 14, 14, 50 }, b.data<float>().ToArray());
        Assert.NotEmpty(TorchRuntime.LoadNote);
    }

    [Fact]
    public void Reads_the_missing_versions_from_a_loader_error()
    {
        const string error = "/x/libLibTorchSharp.so: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by /x/libLibTorchSharp.so)";

        Assert.Equal(["GLIBCXX_3.4.32"], TorchRuntime.MissingVersions(error));
    }

    [Fact]
    public void Names_the_backend_package_and_versions()
    {
        Assert.Equal("libtorch-cpu-linux-x64/2.10.0", TorchRuntime.BackendPackage);
        Assert.Equal("0.107.0", TorchRuntime.TorchSharpVersion);
        Assert.False(TorchRuntime.CudaBuild);
    }
}

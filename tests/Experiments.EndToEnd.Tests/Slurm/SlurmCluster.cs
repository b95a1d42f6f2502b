using System.Diagnostics;
using Experiments.EndToEnd.Tests.Support;
using Experiments.Engine.Keys;
using Experiments.Engine.Slurm;

namespace Experiments.EndToEnd.Tests.Slurm;

/// <summary>
/// The Slurm cluster the tests submit to (one node, two fake GPUs: .ci/slurm-up.sh). Without
/// <c>sbatch</c> the tests skip with a message, except when <c>EXP_REQUIRE_SLURM=1</c> (CI), where
/// a missing Slurm fails them: a CI run never skips them silently.
/// </summary>
internal static class SlurmCluster
{
    public static bool Required => Environment.GetEnvironmentVariable("EXP_REQUIRE_SLURM") == "1";

    public static string? SkipReason => SlurmClient.IsAvailable() || Required
        ? null
        : "Slurm is not installed here (no `sbatch` on PATH). Bring up a one-node cluster with `sudo .ci/slurm-up.sh` to run this test; CI sets EXP_REQUIRE_SLURM=1, which turns this skip into a failure.";

    /// <summary>Fails (rather than skips) when Slurm is required and missing.</summary>
    public static void EnsureAvailable() =>
        Assert.True(SlurmClient.IsAvailable(), "EXP_REQUIRE_SLURM=1 but `sbatch` is not on PATH: run .ci/slurm-up.sh first.");

    /// <summary>The tag the executor puts in its jobs' comments for a store (<c>store=TAG</c>).</summary>
    public static string StoreTag(string store) => Hashing.Sha256Hex(Path.GetFullPath(store))[..12];

    /// <summary>Every job Slurm still knows (finished ones too, for MinJobAge) submitted for a store: job id to recipe.</summary>
    public static async Task<Dictionary<string, string>> JobsOfStoreAsync(string store)
    {
        string output = await RunAsync("squeue", "-h", "-t", "all", "-o", "%i|%k");
        string tag = "store=" + StoreTag(store);
        var jobs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Trim().Split('|');
            if (parts.Length == 2 && parts[1].EndsWith(tag, StringComparison.Ordinal))
            {
                jobs[parts[0]] = parts[1].Split(' ')[1]["recipe=".Length..];
            }
        }
        return jobs;
    }

    /// <summary><c>scontrol show job -o ID</c>: the job's fields.</summary>
    public static async Task<Dictionary<string, string>> ShowJobAsync(string jobId)
    {
        string output = await RunAsync("scontrol", "show", "job", "-o", jobId);
        return output.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(field => field.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
    }

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        (int exitCode, string output, string error) = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, $"{program} {string.Join(' ', args)}: exit {exitCode}\n{error}");
        return output;
    }
}

/// <summary>A test on the real Slurm cluster: skipped with a reason where Slurm is absent (see <see cref="SlurmCluster"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (SlurmCluster.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>The Slurm tests' collection: not run in parallel with any other test collection.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SlurmCollection
{
    public const string Name = "slurm";
}

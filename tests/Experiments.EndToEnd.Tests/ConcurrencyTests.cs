using Experiments.EndToEnd.Tests.Support;

namespace Experiments.EndToEnd.Tests;

/// <summary>Two `exp run` processes on one store: both succeed, and every step executes exactly once.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Two_processes_on_one_store_compute_each_step_once()
    {
        var workspace = new Workspace();
        string file = workspace.Write("race/heavy.exp", SampleExperiments.Heavy);

        Task<ExpResult> first = ExpProcess.RunAsync(workspace.Root, "run", file, "--json", "--jobs", "2");
        Task<ExpResult> second = ExpProcess.RunAsync(workspace.Root, "run", file, "--json", "--jobs", "2");
        ExpResult[] results = await Task.WhenAll(first, second);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var ranA = Ran(results[0]);
        var ranB = Ran(results[1]);
        var all = results[0].Json.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToHashSet();
        Assert.Empty(ranA.Intersect(ranB));
        Assert.Equal(all.Order(), ranA.Union(ranB).Order());
        // Evidence that the two really overlapped: both executed steps, or one waited on the other's lock.
        bool overlapped = (ranA.Count > 0 && ranB.Count > 0) || results.Any(r => r.Error.Contains("waiting "));
        Assert.True(overlapped, $"{results[0]}\n{results[1]}");

        ExpResult verify = await ExpProcess.RunAsync(workspace.Root, "verify", file);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    private static HashSet<string> Ran(ExpResult result) =>
        result.Json.GetProperty("steps").EnumerateArray()
            .Where(s => s.GetProperty("status").GetString() == "ran")
            .Select(s => s.GetProperty("id").GetString()!)
            .ToHashSet();
}

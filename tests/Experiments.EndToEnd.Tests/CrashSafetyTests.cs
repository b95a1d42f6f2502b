using System.Diagnostics;
using System.Text.Json;
using Experiments.EndToEnd.Tests.Support;
using Experiments.Engine.Util;

namespace Experiments.EndToEnd.Tests;

/// <summary>
/// Kills real `exp run` processes (SIGKILL) at random moments. After every kill the store must
/// verify and a rerun must finish with outputs identical to an uninterrupted run's.
/// </summary>
public sealed class CrashSafetyTests
{
    private const string Experiment = SampleExperiments.Heavy;

    private static Dictionary<string, string> Outputs(ExpResult result) =>
        result.Json.GetProperty("steps").EnumerateArray().ToDictionary(
            s => s.GetProperty("id").GetString()!,
            s => string.Join(",", s.GetProperty("outputs").EnumerateObject().Select(o => $"{o.Name}={o.Value.GetString()}")));

    [Fact]
    public async Task Killed_runs_leave_a_verifiable_store_and_reruns_match_an_uninterrupted_run()
    {
        var workspace = new Workspace();
        string reference = workspace.Write("reference/crash.exp", Experiment);
        ExpResult uninterrupted = await ExpProcess.RunAsync(workspace.Root, "run", reference, "--json", "--jobs", "2");
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());
        Dictionary<string, string> expected = Outputs(uninterrupted);
        int steps = expected.Count;

        string file = workspace.Write("victim/crash.exp", Experiment);
        string store = Path.Combine(workspace.Root, "victim", ".exp");
        var random = new SeededRandom(20261128);
        int killedMidRun = 0;
        for (int trial = 0; trial < 10; trial++)
        {
            // Every trial starts from an empty store and is killed at a random point of its progress:
            // right after the k-th step started (k random), plus a random few milliseconds, so the
            // kill lands inside steps, between them, and during their writes whatever the machine's load.
            if (Directory.Exists(store))
            {
                Directory.Delete(store, recursive: true);
            }
            using var process = Process.Start(ExpProcess.StartInfo(workspace.Root, ["run", file, "--jobs", "2"]))!;
            _ = process.StandardError.ReadToEndAsync();
            int killAfterStarts = 1 + random.Next(steps);
            int extraMs = random.Next(60);
            int started = 0;
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("start ", StringComparison.Ordinal) && ++started == killAfterStarts)
                {
                    await Task.Delay(extraMs);
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                        killedMidRun++;
                    }
                    break;
                }
            }
            await process.WaitForExitAsync();

            ExpResult verify = await ExpProcess.RunAsync(workspace.Root, ["verify", "--store", store], null, dll: ExpProcess.TestHostDll);
            Assert.True(verify.ExitCode == 0, $"trial {trial} (killed after start #{killAfterStarts} + {extraMs} ms): {verify}");

            ExpResult rerun = await ExpProcess.RunAsync(workspace.Root, "run", file, "--json");
            Assert.True(rerun.ExitCode == 0, $"trial {trial}: {rerun}");
            Assert.Equal(expected, Outputs(rerun));
        }
        Assert.True(killedMidRun >= 8, $"only {killedMidRun} of 10 kills landed before the run finished.");
    }

    [Fact]
    public async Task Ctrl_c_cancels_cleanly_with_exit_code_130()
    {
        // A step that runs until cancelled (the test host's `sleep`), so the interrupt always lands
        // mid-step: the data kinds of the heavy experiment can all finish before a loaded machine
        // delivers the signal.
        var workspace = new Workspace();
        string file = workspace.Write("cancel/crash.exp", """
            experiment cancel {
              data first  = sleep(seconds: 120)
              data second = sleep(first, seconds: 1, tag: 2)
            }
            """);
        using var process = Process.Start(ExpProcess.StartInfo(workspace.Root, ["run", file, "--jobs", "1"], dll: ExpProcess.TestHostDll))!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        // Wait until a step has started, then interrupt as a terminal would.
        string store = Path.Combine(workspace.Root, "cancel", ".exp");
        var deadline = Stopwatch.StartNew();
        while (!Directory.Exists(Path.Combine(store, "specs")) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }
        using (Process signal = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }
        await process.WaitForExitAsync();

        string report = $"{await output}\n--- stderr\n{await error}";
        Assert.True(process.ExitCode == 130, report);
        Assert.True(report.Contains("cancelled"), report);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(store, "tmp")));
        ExpResult verify = await ExpProcess.RunAsync(workspace.Root, ["verify", "--store", store], null, dll: ExpProcess.TestHostDll);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }
}

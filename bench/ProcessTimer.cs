using System.Diagnostics;

namespace Experiments.Bench;

/// <summary>What one child process did: its exit code, its output and its wall time.</summary>
internal sealed record ProcessRun(int ExitCode, string Stdout, string Stderr, double Seconds);

/// <summary>
/// Starts a real child process and times it from start to exit, the way a user's shell would.
/// Output is drained concurrently so a chatty child can never block on a full pipe (which would
/// show up as false time).
/// </summary>
internal static class ProcessTimer
{
    public static async Task<ProcessRun> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The store is always passed explicitly; an inherited $EXP_STORE must not redirect it.
        info.Environment.Remove("EXP_STORE");

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        clock.Stop();
        return new ProcessRun(process.ExitCode, await stdout, await stderr, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The median of the samples (mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> samples)
    {
        var sorted = samples.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The full path of a command found on PATH, or null (how a shell would find it).</summary>
    public static string? FindOnPath(string command)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}

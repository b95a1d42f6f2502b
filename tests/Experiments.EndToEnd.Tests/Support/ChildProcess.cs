using System.Diagnostics;

namespace Experiments.EndToEnd.Tests.Support;

/// <summary>Runs a real child process to the end, capturing its output, and kills it if it overruns.</summary>
internal static class ChildProcess
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(ProcessStartInfo info, TimeSpan limit)
    {
        using var process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{info.FileName} {string.Join(" ", info.ArgumentList)} did not finish in {limit.TotalMinutes:F0} minutes.");
        }
        return (process.ExitCode, await output, await error);
    }
}

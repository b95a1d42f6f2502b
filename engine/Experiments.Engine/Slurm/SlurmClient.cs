using System.Diagnostics;

namespace Experiments.Engine.Slurm;

/// <summary>A Slurm command failed (not found, rejected the job, controller down).</summary>
public sealed class SlurmException(string message) : Exception(message);

/// <summary>
/// The Slurm commands the executor uses, run as processes: <c>sbatch --parsable</c> to submit,
/// <c>squeue</c> for states (no accounting database needed) and <c>scancel</c>.
/// </summary>
public sealed class SlurmClient
{
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(2);

    /// <summary>Whether <c>sbatch</c> is on PATH.</summary>
    public static bool IsAvailable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, "sbatch")));

    /// <summary>Submits a job; returns its id.</summary>
    public async Task<string> SubmitAsync(SbatchRequest request, SlurmOptions options)
    {
        (int exitCode, string output, string error) = await RunAsync("sbatch", request.Arguments(options), request.Script()).ConfigureAwait(false);
        // --parsable prints "ID" or "ID;CLUSTER".
        string id = output.Trim().Split(';')[0];
        if (exitCode != 0 || id.Length == 0 || !id.All(char.IsAsciiDigit))
        {
            throw new SlurmException($"sbatch failed (exit {exitCode}): {FirstLine(error, output)}");
        }
        return id;
    }

    /// <summary>The states of the given jobs, finished ones included while the controller keeps them.</summary>
    public async Task<IReadOnlyDictionary<string, SlurmJobStatus>> QueryAsync(IReadOnlyCollection<string> jobIds)
    {
        if (jobIds.Count == 0)
        {
            return new Dictionary<string, SlurmJobStatus>();
        }
        (int exitCode, string output, string error) = await RunAsync(
            "squeue", ["-h", "-t", "all", "-o", "%i|%T|%r", "-j", string.Join(',', jobIds)], null).ConfigureAwait(false);
        // With only unknown ids squeue exits 1 ("Invalid job id specified"): they are all missing.
        if (exitCode != 0 && !error.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase))
        {
            throw new SlurmException($"squeue failed (exit {exitCode}): {FirstLine(error, output)}");
        }
        return SlurmJobStatus.ParseSqueue(output);
    }

    /// <summary>This user's queued and running jobs whose comment starts with <paramref name="commentPrefix"/>: comment to job id.</summary>
    public async Task<IReadOnlyDictionary<string, string>> LiveJobsByCommentAsync(string commentPrefix)
    {
        (int exitCode, string output, string error) = await RunAsync(
            "squeue", ["-h", "-u", Environment.UserName, "-o", "%i|%k"], null).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new SlurmException($"squeue failed (exit {exitCode}): {FirstLine(error, output)}");
        }
        var jobs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int bar = line.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0 && line[(bar + 1)..].StartsWith(commentPrefix, StringComparison.Ordinal))
            {
                jobs[line[(bar + 1)..]] = line[..bar];
            }
        }
        return jobs;
    }

    public async Task CancelAsync(IReadOnlyCollection<string> jobIds)
    {
        if (jobIds.Count > 0)
        {
            await RunAsync("scancel", jobIds, null).ConfigureAwait(false);
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string program, IEnumerable<string> args, string? input)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new SlurmException($"cannot run `{program}`: {exception.Message} (is Slurm installed and on PATH?)");
        }
        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            // Not cancellable on purpose: a submit must finish so its job id can be recorded (or cancelled).
            using var timeout = new CancellationTokenSource(s_limit);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new SlurmException($"`{program}` did not answer in {s_limit.TotalSeconds:F0} s (is slurmctld up?)");
            }
            return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        }
    }

    private static string FirstLine(string error, string output)
    {
        string text = (error.Length > 0 ? error : output).Trim();
        return text.Length == 0 ? "(no message)" : text.Split('\n')[0].Trim();
    }
}

namespace Experiments.Engine.Slurm;

/// <summary>A job's state as <c>squeue -o '%i|%T|%r'</c> prints it: id, state name, reason.</summary>
public sealed record SlurmJobStatus(string JobId, string State, string Reason)
{
    /// <summary>The job never appeared, or its record aged out of the controller (MinJobAge).</summary>
    public static SlurmJobStatus Missing(string jobId) => new(jobId, "MISSING", "not known to squeue");

    public bool IsRunning => State is "RUNNING" or "CONFIGURING" or "COMPLETING" or "STAGE_OUT" or "SIGNALING";

    /// <summary>
    /// No longer queued or running. COMPLETING is not final: the exit code is known only once the
    /// job is COMPLETED or FAILED. A requeued, held or suspended job is still alive.
    /// </summary>
    public bool IsFinished => State is "COMPLETED" or "FAILED" or "CANCELLED" or "TIMEOUT" or "NODE_FAIL" or "BOOT_FAIL"
        or "DEADLINE" or "OUT_OF_MEMORY" or "PREEMPTED" or "REVOKED" or "SPECIAL_EXIT" or "MISSING";

    public bool Succeeded => State == "COMPLETED";

    /// <summary>Parses squeue lines of the form <c>ID|STATE|REASON</c>; other lines are ignored.</summary>
    public static IReadOnlyDictionary<string, SlurmJobStatus> ParseSqueue(string output)
    {
        var statuses = new Dictionary<string, SlurmJobStatus>(StringComparer.Ordinal);
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = line.Split('|');
            if (parts.Length >= 3 && parts[0].Length > 0 && parts[0].All(char.IsAsciiDigit))
            {
                statuses[parts[0]] = new SlurmJobStatus(parts[0], parts[1], parts[2]);
            }
        }
        return statuses;
    }

    public override string ToString() => Reason is "None" or "" ? State : $"{State} ({Reason})";
}

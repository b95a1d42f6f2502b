using System.Diagnostics;
using System.Globalization;

namespace Experiments.Tracking.Ledger;

/// <summary>
/// The process that keeps a run RUNNING: host name, pid, the process's start time and the boot it
/// belongs to. A pid alone is not an identity (pids are reused, and restart from low numbers after
/// a reboot); pid and start time together are, on one boot of one host.
/// </summary>
/// <param name="StartTime">Opaque, only compared: on Linux the start time in clock ticks since boot
/// (<c>/proc/PID/stat</c> field 22), elsewhere <see cref="Process.StartTime"/> in UTC ticks.</param>
/// <param name="BootId">Linux's <c>/proc/sys/kernel/random/boot_id</c>; null where there is none.</param>
public sealed record RunOwner(string Host, int Pid, long StartTime, string? BootId)
{
    private static readonly Lazy<RunOwner> s_current = new(() =>
        new RunOwner(Environment.MachineName, Environment.ProcessId, StartTimeOf(Environment.ProcessId) ?? 0, ReadBootId()));

    /// <summary>This process.</summary>
    public static RunOwner Current => s_current.Value;

    /// <summary>
    /// Whether the process is known to be gone, as seen from <paramref name="observer"/>: false
    /// for another host (its processes cannot be seen from here); on this host true when the boot
    /// changed, no process has the pid, the pid's process is a zombie, or it started at another
    /// time (the pid was reused).
    /// </summary>
    public bool IsGone(RunOwner observer)
    {
        if (!string.Equals(Host, observer.Host, StringComparison.Ordinal))
        {
            return false;
        }
        if (BootId is not null && observer.BootId is not null && !string.Equals(BootId, observer.BootId, StringComparison.Ordinal))
        {
            return true;
        }
        if (Pid == observer.Pid && StartTime == observer.StartTime)
        {
            return false;
        }
        return StartTimeOf(Pid) is not { } started || started != StartTime;
    }

    /// <summary>When process <paramref name="pid"/> started (see <see cref="StartTime"/>); null when there is no live one.</summary>
    internal static long? StartTimeOf(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            string text;
            try
            {
                text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return null;
            }
            // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so fields count
            // from the last ')'. STATE is field 3, starttime field 22.
            string[] fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length < 20 || fields[0] is "Z" or "X" or "x")
            {
                // A zombie has exited; only its exit status waits for its parent.
                return null;
            }
            return long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) ? ticks : null;
        }
        try
        {
            using Process process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime.ToUniversalTime().Ticks;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    private static string? ReadBootId()
    {
        try
        {
            return OperatingSystem.IsLinux() ? File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim() : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

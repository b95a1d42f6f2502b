using System.Reflection;

namespace Experiments.Cli;

/// <summary>
/// The command line that starts this very `exp` (the same build, with the same step kinds), for
/// executors that run steps in other processes: <c>dotnet /path/exp.dll</c> when started by the
/// dotnet host, the apphost alone otherwise.
/// </summary>
internal static class SelfCommand
{
    public static IReadOnlyList<string> Resolve()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        string assembly = Assembly.GetEntryAssembly()?.Location ?? string.Empty;
        bool hosted = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return hosted && assembly.Length > 0 ? [process, assembly] : [process];
    }
}

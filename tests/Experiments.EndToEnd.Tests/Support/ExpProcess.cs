using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Experiments.EndToEnd.Tests.Support;

/// <summary>The result of one real `exp` process.</summary>
internal sealed record ExpResult(int ExitCode, string Output, string Error)
{
    public JsonElement Json => JsonDocument.Parse(Output).RootElement;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the real `exp` CLI (the build output of Experiments.Cli, copied beside the tests) as a
/// separate process, the way a user or CI does.
/// </summary>
internal static class ExpProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "exp.dll");

    /// <summary>The same CLI with test-only step kinds (tests/Experiments.TestHost).</summary>
    public static string TestHostDll => Path.Combine(AppContext.BaseDirectory, "exp-testhost.dll");

    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args, IDictionary<string, string>? environment = null, string? dll = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(dll ?? Dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("EXP_STORE");
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        return info;
    }

    public static async Task<ExpResult> RunAsync(string workingDirectory, params string[] args) =>
        await RunAsync(workingDirectory, args, null);

    public static async Task<ExpResult> RunAsync(string workingDirectory, IEnumerable<string> args, IDictionary<string, string>? environment, string? dll = null, TimeSpan? limit = null)
    {
        (int exitCode, string output, string error) = await ChildProcess.RunAsync(StartInfo(workingDirectory, args, environment, dll), limit ?? TimeSpan.FromMinutes(3));
        return new ExpResult(exitCode, output, error);
    }
}

using System.Diagnostics;

namespace Experiments.Tracking.Tests.Support;

/// <summary>
/// The real `exp` as a separate process: the CLI's own build output, or the test host (the same
/// CLI plus test-only kinds such as <c>sleep</c> and <c>tick</c>). Each is started from its own
/// build folder: this test project carries ASP.NET Core (the MLflow stand-in), so its folder lacks
/// libraries exp takes from NuGet that ASP.NET Core's framework would provide.
/// </summary>
internal static class RealExp
{
    public static string ExpDll => BuildOutput(Path.Combine("engine", "Experiments.Cli"), "exp.dll");

    public static string TestHostDll => BuildOutput(Path.Combine("tests", "Experiments.TestHost"), "exp-testhost.dll");

    private static string BuildOutput(string project, string dll)
    {
        string targetFolder = Path.GetFileName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        string configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
        return Path.Combine(Experiments.Tests.Shared.RepositoryPaths.Root, project, "bin", configuration, targetFolder, dll);
    }

    /// <summary>A start for <paramref name="dll"/> in <paramref name="workingDirectory"/>; MLflow and store settings of this process are not inherited.</summary>
    public static ProcessStartInfo StartInfo(string dll, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["CI"] = "1";
        foreach (string name in info.Environment.Keys.Where(k => k == "EXP_STORE" || k.StartsWith("MLFLOW_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        return info;
    }

    /// <summary>MLflow at <paramref name="uri"/>, with quick retries and room to deliver everything in one invocation.</summary>
    public static Dictionary<string, string> Mlflow(string uri) => new()
    {
        ["MLFLOW_TRACKING_URI"] = uri,
        ["EXP_MLFLOW_TIMEOUT_SECONDS"] = "30",
        ["EXP_MLFLOW_FLUSH_SECONDS"] = "60",
        ["EXP_MLFLOW_BACKOFF_MS"] = "20",
    };

    /// <summary>Runs a process to its end (at most three minutes) and returns what it said.</summary>
    public static async Task<CliResult> RunAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }
}

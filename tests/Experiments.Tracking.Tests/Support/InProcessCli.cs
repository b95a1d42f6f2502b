using Experiments.Cli;
using Experiments.Engine.Kinds;
using Experiments.Steps;

namespace Experiments.Tracking.Tests.Support;

/// <summary>The result of one in-process `exp` invocation.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the real `exp` command tree in this process with the built-in kinds plus the test kinds,
/// captured output and its own environment (MLflow settings), so tests can run in parallel.
/// </summary>
internal sealed class InProcessCli(IReadOnlyDictionary<string, string>? environment = null)
{
    public static readonly StepKindRegistry Registry = new([.. BuiltInKinds.All, new ScoresKind(), new SeriesKind()]);

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var services = new CliServices(Registry, output, error, Interactive: false)
        {
            ReadEnvironment = name => environment is not null && environment.TryGetValue(name, out string? value) ? value
                : name.StartsWith("MLFLOW_", StringComparison.Ordinal) || name.StartsWith("EXP_", StringComparison.Ordinal) ? null
                : Environment.GetEnvironmentVariable(name),
        };
        int exit = await CliApp.InvokeAsync(args, services);
        return new CliResult(exit, output.ToString(), error.ToString());
    }
}

/// <summary>A temporary folder for one test.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Root = Directory.CreateTempSubdirectory("exp-tracking-").FullName;
    }

    public string Root { get; }

    public string Store => Path.Combine(Root, ".exp");

    public string Write(string relative, string text)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            foreach (string file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

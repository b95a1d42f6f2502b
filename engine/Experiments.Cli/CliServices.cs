using Experiments.Engine.Kinds;
using Spectre.Console;

namespace Experiments.Cli;

/// <summary>
/// The outside world of the CLI, passed in so tests can capture output: the step kinds, the
/// standard streams and whether output goes to a terminal (progress bars, excerpts) or not.
/// </summary>
internal sealed record CliServices(StepKindRegistry Registry, TextWriter Output, TextWriter Error, bool Interactive)
{
    /// <summary>Reads an environment variable (MLflow settings); tests pass their own.</summary>
    public Func<string, string?> ReadEnvironment { get; init; } = Environment.GetEnvironmentVariable;

    public IAnsiConsole CreateConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Output),
        Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
        Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
    });

    public Stream OpenStandardOutput() => Console.OpenStandardOutput();
}

using System.CommandLine;
using Experiments.Cli.Commands;

namespace Experiments.Cli;

/// <summary>Builds the `exp` command tree; tests call this with captured output.</summary>
internal static class CliApp
{
    public static RootCommand Create(CliServices services)
    {
        return new RootCommand("exp: declarative, cached, incremental LLM fine-tuning experiments.")
        {
            RunCommand.Create(services),
            StatusCommand.Create(services),
            WhyCommand.Create(services),
            KindsCommand.Create(services),
            GcCommand.Create(services),
            VerifyCommand.Create(services),
            StepCommand.Create(services),
            // Tracking and provenance (issue 6).
            RunsCommand.Create(services),
            ShowCommand.Create(services),
            DiffCommand.Create(services),
            GateCommand.Create(services),
            BaselineCommand.Create(services),
            MlflowCommand.Create(services),
            ReproduceCommand.Create(services),
        };
    }

    public static async Task<int> InvokeAsync(string[] args, CliServices services)
    {
        RootCommand root = Create(services);
        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            // A usage mistake is exit code 2, as for a spec error (DESIGN §6).
            foreach (var error in result.Errors)
            {
                services.Error.WriteLine($"exp: error: {error.Message}");
            }
            services.Error.WriteLine("Run `exp --help` for usage.");
            return ExitCodes.SpecError;
        }
        var configuration = new InvocationConfiguration
        {
            Output = services.Output,
            Error = services.Error,
            // Termination is handled below, so the action always finishes and reports.
            ProcessTerminationTimeout = null,
        };
        using var cancellation = new CancellationTokenSource();
        using var termination = new TerminationSignals(cancellation, services.Error);
        return await result.InvokeAsync(configuration, cancellation.Token).ConfigureAwait(false);
    }
}

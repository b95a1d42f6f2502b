using System.CommandLine;
using Experiments.Engine.Compile;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Slurm;
using Experiments.Engine.Spec;
using Experiments.Engine.Store;

namespace Experiments.Cli.Commands;

/// <summary>
/// Where `exp run` executes steps: the command line (<c>--executor</c> and the Slurm options)
/// over the experiment's <c>executor</c> statement over <c>$EXP_EXECUTOR</c>; local by default.
/// Each Slurm setting given on the command line replaces the experiment's; <c>--slurm-arg</c>s add to its <c>args</c>.
/// </summary>
internal sealed record ExecutorChoice(string? Executor, string? Partition, string? Account, string? Time, IReadOnlyList<string> SlurmArgs)
{
    /// <summary>Nothing from the command line: the experiment's statement, else $EXP_EXECUTOR, else local.</summary>
    public static ExecutorChoice FromExperiment { get; } = new(null, null, null, null, []);

    /// <summary>The settings in force for an experiment, or an error message (a usage error).</summary>
    public (ExecutorChoice? Choice, string? Error) Resolve(ExecutorSettings? experiment)
    {
        string name = Executor ?? experiment?.Name ?? (Environment.GetEnvironmentVariable("EXP_EXECUTOR") is { Length: > 0 } env ? env : "local");
        if (!ExecutorSettings.Names.Contains(name))
        {
            return (null, $"unknown executor `{name}` (from $EXP_EXECUTOR); expected one of {string.Join(", ", ExecutorSettings.Names)}.");
        }
        if (name != "slurm")
        {
            return Partition is null && Account is null && Time is null && SlurmArgs.Count == 0
                ? (this with { Executor = name }, null)
                : (null, "--partition, --account, --time and --slurm-arg need the slurm executor (--executor slurm, or `executor slurm` in the experiment).");
        }
        bool fromExperiment = experiment?.Name == "slurm";
        return (new ExecutorChoice(
            name,
            Partition ?? (fromExperiment ? experiment!.Partition : null),
            Account ?? (fromExperiment ? experiment!.Account : null),
            Time ?? (fromExperiment ? experiment!.Time : null),
            [.. fromExperiment ? experiment!.SlurmArgs : [], .. SlurmArgs]), null);
    }

    public bool Slurm => Executor == "slurm";

    /// <summary>The executor for a run (once resolved); null means the scheduler's default, the local one.</summary>
    public IStepExecutor? Create(ContentStore store, StepGraph graph, IRunObserver observer) => Slurm
        ? new SlurmExecutor(store, new SlurmOptions
        {
            ExpCommand = SelfCommand.Resolve(),
            Experiment = graph.ExperimentName,
            Partition = Partition,
            Account = Account,
            Time = Time,
            ExtraArgs = SlurmArgs,
        }, observer)
        : null;
}

/// <summary>The options of `exp run` that choose and configure the executor.</summary>
internal sealed class ExecutorOptions
{
    private readonly Option<string?> _executor = new("--executor")
    {
        Description = "Where steps run: local (this process) or slurm (one sbatch job per step; the store must be on a shared filesystem). "
            + "Default: the experiment's `executor` statement, else $EXP_EXECUTOR, else local.",
    };

    private readonly Option<string?> _partition = new("--partition") { Description = "Slurm partition for the jobs (sbatch --partition)." };

    private readonly Option<string?> _account = new("--account") { Description = "Slurm account for the jobs (sbatch --account)." };

    private readonly Option<string?> _time = new("--time") { Description = "Time limit per Slurm job (sbatch --time: minutes, or HH:MM:SS)." };

    private readonly Option<string[]> _slurmArgs = new("--slurm-arg")
    {
        Description = "An extra sbatch argument, passed as is (repeatable): --slurm-arg=--qos=high.",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };

    private ExecutorOptions()
    {
        _executor.AcceptOnlyFromAmong([.. ExecutorSettings.Names]);
    }

    public static ExecutorOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(_executor);
        command.Options.Add(_partition);
        command.Options.Add(_account);
        command.Options.Add(_time);
        command.Options.Add(_slurmArgs);
    }

    public ExecutorChoice Read(ParseResult result) => new(
        result.GetValue(_executor),
        result.GetValue(_partition),
        result.GetValue(_account),
        result.GetValue(_time),
        result.GetValue(_slurmArgs) ?? []);
}

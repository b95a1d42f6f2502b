using System.CommandLine;
using Experiments.Engine.Compile;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Slurm;
using Experiments.Engine.Store;

namespace Experiments.Cli.Commands;

/// <summary>What `exp run` was asked to execute steps with, once parsed.</summary>
internal sealed record ExecutorChoice(bool Slurm, string? Partition, string? Account, string? Time, IReadOnlyList<string> SlurmArgs)
{
    /// <summary>The executor for a run; null means the scheduler's default, the local one.</summary>
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
    private readonly Option<string> _executor = new("--executor")
    {
        Description = "Where steps run: local (this process) or slurm (one sbatch job per step; the store must be on a shared filesystem). Default: $EXP_EXECUTOR, else local.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("EXP_EXECUTOR") is { Length: > 0 } name ? name : "local",
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
        _executor.AcceptOnlyFromAmong("local", "slurm");
    }

    public static ExecutorOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(_executor);
        command.Options.Add(_partition);
        command.Options.Add(_account);
        command.Options.Add(_time);
        command.Options.Add(_slurmArgs);
        command.Validators.Add(result =>
        {
            if (result.GetValue(_executor) != "slurm"
                && (result.GetValue(_partition) is not null || result.GetValue(_account) is not null || result.GetValue(_time) is not null
                    || result.GetValue(_slurmArgs) is { Length: > 0 }))
            {
                result.AddError("--partition, --account, --time and --slurm-arg need --executor slurm.");
            }
        });
    }

    public ExecutorChoice Read(ParseResult result) => new(
        result.GetValue(_executor) == "slurm",
        result.GetValue(_partition),
        result.GetValue(_account),
        result.GetValue(_time),
        result.GetValue(_slurmArgs) ?? []);
}

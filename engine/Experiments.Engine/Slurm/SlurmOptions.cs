namespace Experiments.Engine.Slurm;

/// <summary>How `exp run --executor slurm` submits its steps.</summary>
public sealed record SlurmOptions
{
    /// <summary>The command that runs this `exp` on a compute node (e.g. <c>dotnet /path/exp.dll</c>); it gets <c>step run ID --store PATH</c> appended.</summary>
    public required IReadOnlyList<string> ExpCommand { get; init; }

    /// <summary>The experiment's name: job names read <c>exp:EXPERIMENT/STEP[VARIANT]</c>.</summary>
    public required string Experiment { get; init; }

    public string? Partition { get; init; }

    public string? Account { get; init; }

    /// <summary>A time limit per job, in any form <c>sbatch --time</c> accepts (minutes, <c>HH:MM:SS</c>).</summary>
    public string? Time { get; init; }

    /// <summary>Passed to sbatch as they are, after the executor's own arguments (so they win).</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    /// <summary>How often job states are read with squeue.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}

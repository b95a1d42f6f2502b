namespace Experiments.Engine.Slurm;

/// <summary>
/// The job submitted for a recipe, kept in the store (<c>jobs/ab/RECIPE.json</c>) so a later
/// `exp run` finds the job of a run whose `exp` died and waits for it instead of submitting again.
/// </summary>
public sealed record SlurmJobRecord(string Recipe, string JobId, string Step, string Experiment, DateTimeOffset Submitted, string SubmittedFrom);

using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Keys;
using Experiments.Engine.Store;

namespace Experiments.Engine.Scheduling;

/// <summary>How a downstream step refers to a step handed to an executor that has not finished yet.</summary>
public sealed record StepTicket(string Recipe, string JobId);

/// <summary>A step that must run, as the scheduler hands it to an executor.</summary>
public sealed record StepWork(StepNode Node, string Reason)
{
    /// <summary>Known when every input has finished: the key's description and the spec to execute.</summary>
    public KeyDescription? Description { get; init; }

    public StepSpecRecord? Spec { get; init; }

    /// <summary>The step as a recipe; set for executors that <see cref="IStepExecutor.SubmitsAhead"/>.</summary>
    public StepRecipe? Recipe { get; init; }

    /// <summary>Upstream steps handed over and not finished: this one must start only after they all succeed.</summary>
    public IReadOnlyList<StepTicket> Pending { get; init; } = [];
}

/// <summary>
/// Where the steps that must run are executed (DESIGN §3, "executors are pluggable"). The
/// scheduler decides what is cached and in which order; the executor only runs what it is given,
/// here or elsewhere. It must keep the store's guarantees: a step runs under its key's lock and
/// its action entry appears only when its outputs are complete.
/// </summary>
public interface IStepExecutor
{
    /// <summary>
    /// Whether a step may be handed over before its upstream steps have finished (a batch system
    /// with job dependencies). Such a step comes without a key, as a recipe with
    /// <see cref="StepWork.Pending"/> tickets, and its key is computed where it runs.
    /// </summary>
    bool SubmitsAhead { get; }

    /// <summary>
    /// Executes the step, or hands it over and waits for its end, and says what happened.
    /// <paramref name="submitted"/> is called once the step is accepted elsewhere, so its
    /// dependents can be handed over before it finishes. May throw
    /// <see cref="CorruptInputException"/>: the scheduler recomputes that input and retries.
    /// </summary>
    Task<NodeOutcome> RunAsync(StepWork work, Action<StepTicket> submitted, CancellationToken cancellationToken);
}

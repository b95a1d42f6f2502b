using System.Collections.Concurrent;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Store;

namespace Experiments.Engine.Tests.Support;

/// <summary>
/// A batch system in this process, faithful to what the Slurm executor relies on: a step is
/// accepted at once with a job id (before its inputs exist), starts only after every job it
/// depends on succeeded (afterok), is cancelled without starting when one failed
/// (kill-on-invalid-dep), and runs the way `exp step run RECIPE` does: resolve the recipe from the
/// upstream results in the store, execute under the key's lock, then write the recipe's result.
/// </summary>
internal sealed class InProcessBatchExecutor(ContentStore store, StepKindRegistry registry) : IStepExecutor
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _jobs = new(StringComparer.Ordinal);
    private int _next;

    /// <summary>Holds every job until released, so a test can see dependents accepted before anything ran.</summary>
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<(string Step, string JobId, IReadOnlyList<string> AfterOk)> Submitted { get; } = new();

    public bool SubmitsAhead => true;

    public async Task<NodeOutcome> RunAsync(StepWork work, Action<StepTicket> submitted, CancellationToken cancellationToken)
    {
        StepRecipe recipe = work.Recipe!;
        store.PutRecipe(recipe);
        string jobId = $"job{Interlocked.Increment(ref _next)}";
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _jobs[jobId] = done;
        Submitted.Enqueue((work.Node.Id, jobId, work.Pending.Select(p => p.JobId).ToArray()));
        submitted(new StepTicket(recipe.Id, jobId));
        try
        {
            await Release.Task.WaitAsync(cancellationToken);
            foreach (StepTicket ticket in work.Pending)
            {
                if (!await _jobs[ticket.JobId].Task)
                {
                    return new NodeOutcome(work.Node, NodeStatus.Failed) { Message = "cancelled: DependencyNeverSatisfied", JobId = jobId };
                }
            }
            // The job: what `exp step run RECIPE --store PATH` does.
            StepKind kind = registry.Find(recipe.Kind)!;
            (var description, StepSpecRecord spec) = RecipeResolver.Resolve(store, recipe, kind);
            store.PutSpec(spec);
            using (await StoreLocks.AcquireKeyAsync(store, spec.Key, null, cancellationToken))
            {
                ActionEntry entry = store.TryGetAction(spec.Key) ?? await new StepExecutor(store).ExecuteAsync(spec, kind, null, cancellationToken);
                store.PutRecipeResult(new RecipeResult(recipe.Id, spec.Key, Ran: true));
                done.TrySetResult(true);
                return new NodeOutcome(work.Node, NodeStatus.Ran) { Description = description, Entry = entry, JobId = jobId };
            }
        }
        catch (StepFailedException failure)
        {
            return new NodeOutcome(work.Node, NodeStatus.Failed) { Message = failure.Message, JobId = jobId };
        }
        finally
        {
            done.TrySetResult(false);
        }
    }
}

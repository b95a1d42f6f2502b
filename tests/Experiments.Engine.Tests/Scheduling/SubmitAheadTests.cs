using Experiments.Engine.Compile;
using Experiments.Engine.Kinds;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Store;
using Experiments.Engine.Tests.Support;

namespace Experiments.Engine.Tests.Scheduling;

/// <summary>
/// The scheduler with an executor that submits ahead (as Slurm does): dependents are handed over
/// before their inputs exist, keys are completed where the steps run, and the result is the same
/// as a local run's, key for key and byte for byte.
/// </summary>
public sealed class SubmitAheadTests
{
    private const string Text = """
        experiment e {
          seed 7
          data a = make(size: 3)
          data b = mix(a, label: sweep["x", "y"])
          data c = mix(b, mode: upper)
          data d = make(size: 2, label: "alone")
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("exp-ahead-").FullName;

    private static StepKindRegistry Registry(bool failMix = false) => TestExperiment.Registry(
        new TextKind("make"),
        new TextKind("mix") { Before = context => failMix ? throw new Execution.StepFailedException("mix broke") : Task.CompletedTask });

    [Fact]
    public async Task Dependents_are_handed_over_before_upstream_runs_and_get_the_keys_and_bytes_of_a_local_run()
    {
        StepKindRegistry registry = Registry();
        var batchStore = new ContentStore(Path.Combine(_directory, "batch"));
        var batch = new InProcessBatchExecutor(batchStore, registry);
        StepGraph graph = TestExperiment.CompileOk(Text, registry, directory: _directory);

        Task<RunSummary> running = new Scheduler(batchStore, new RunOptions(), new RecordingObserver(), batch).RunAsync(graph, CancellationToken.None);
        // Nothing has run yet, and every step is already accepted, dependents with afterok on their inputs' jobs.
        while (batch.Submitted.Count < graph.Nodes.Count)
        {
            await Task.Delay(10);
        }
        var submitted = batch.Submitted.ToDictionary(s => s.Step);
        Assert.Equal([submitted["a"].JobId], submitted["b[b.label=x]"].AfterOk);
        Assert.Equal([submitted["b[b.label=y]"].JobId], submitted["c[b.label=y]"].AfterOk);
        Assert.Empty(submitted["d"].AfterOk);
        batch.Release.SetResult();
        RunSummary ahead = await running;

        var localStore = new ContentStore(Path.Combine(_directory, "local"));
        RunSummary local = await new Scheduler(localStore, new RunOptions(), new RecordingObserver()).RunAsync(graph, CancellationToken.None);

        Assert.Equal(0, ahead.ExitCode);
        Assert.All(ahead.Outcomes, o => Assert.Equal(NodeStatus.Ran, o.Status));
        Assert.Equal(local.Outcomes.Select(o => o.Key), ahead.Outcomes.Select(o => o.Key));
        Assert.Equal(
            local.Outcomes.Select(o => o.Entry!.Outputs["out"].Digest),
            ahead.Outcomes.Select(o => o.Entry!.Outputs["out"].Digest));

        // A second run computes every key itself and finds it cached: nothing is submitted.
        var again = new InProcessBatchExecutor(batchStore, registry);
        RunSummary cached = await new Scheduler(batchStore, new RunOptions(), new RecordingObserver(), again).RunAsync(graph, CancellationToken.None);
        Assert.All(cached.Outcomes, o => Assert.Equal(NodeStatus.Cached, o.Status));
        Assert.Empty(again.Submitted);
    }

    [Fact]
    public async Task A_step_whose_key_is_known_is_handed_over_with_its_recipe_reading_the_cached_inputs()
    {
        StepKindRegistry registry = Registry();
        var store = new ContentStore(Path.Combine(_directory, "store"));
        StepGraph graph = TestExperiment.CompileOk(Text, registry, directory: _directory);
        await new Scheduler(store, new RunOptions(), new RecordingObserver()).RunAsync(graph, CancellationToken.None);
        StepGraph changed = TestExperiment.CompileOk(Text.Replace("mode: upper", "mode: copy"), registry, directory: _directory);

        var batch = new InProcessBatchExecutor(store, registry);
        batch.Release.SetResult();
        RunSummary summary = await new Scheduler(store, new RunOptions(), new RecordingObserver(), batch).RunAsync(changed, CancellationToken.None);

        // Only the two `c` ran, as jobs without dependencies: their inputs were cached, and the
        // jobs read them through the results the scheduler published for the upstream recipes.
        Assert.Equal(["c[b.label=x]", "c[b.label=y]"], summary.Outcomes.Where(o => o.Status == NodeStatus.Ran).Select(o => o.Node.Id).Order());
        Assert.All(batch.Submitted, s => Assert.Empty(s.AfterOk));
    }

    [Fact]
    public async Task When_a_job_fails_its_dependents_are_skipped_and_the_rest_finishes()
    {
        StepKindRegistry registry = Registry(failMix: true);
        var store = new ContentStore(Path.Combine(_directory, "fail"));
        var batch = new InProcessBatchExecutor(store, registry);
        batch.Release.SetResult();
        StepGraph graph = TestExperiment.CompileOk(Text, registry, directory: _directory);

        RunSummary summary = await new Scheduler(store, new RunOptions(), new RecordingObserver(), batch).RunAsync(graph, CancellationToken.None);

        Assert.Equal(1, summary.ExitCode);
        var status = summary.Outcomes.ToDictionary(o => o.Node.Id, o => o.Status);
        Assert.Equal(NodeStatus.Ran, status["a"]);
        Assert.Equal(NodeStatus.Ran, status["d"]);
        Assert.Equal(NodeStatus.Failed, status["b[b.label=x]"]);
        Assert.Equal(NodeStatus.Skipped, status["c[b.label=x]"]);
        Assert.Equal("upstream b[b.label=x] failed", summary.Outcomes.Single(o => o.Node.Id == "c[b.label=x]").Message);
    }
}

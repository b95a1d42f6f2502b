using Experiments.Engine.Compile;
using Experiments.Engine.Kinds;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Store;
using Experiments.Engine.Tests.Support;

namespace Experiments.Engine.Tests.Scheduling;

public sealed class SchedulerTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("exp-sched-").FullName;

    private ContentStore Store => new(Path.Combine(_directory, ".exp"));

    private async Task<RunSummary> RunAsync(string text, StepKindRegistry registry, IReadOnlyList<string>? overrides = null, int jobs = 2, RecordingObserver? observer = null)
    {
        StepGraph graph = TestExperiment.CompileOk(text, registry, overrides, _directory);
        return await new Scheduler(Store, new RunOptions { Jobs = jobs }, observer ?? new RecordingObserver()).RunAsync(graph, CancellationToken.None);
    }

    [Fact]
    public async Task Second_run_is_all_cached_and_a_param_change_reruns_exactly_downstream()
    {
        var make = new TextKind("make");
        var mix = new TextKind("mix");
        var registry = TestExperiment.Registry(make, mix);
        const string text = """
            experiment e {
              param n = 2
              data a = make(size: n)
              data b = make(size: 1, label: "other")
              data c = mix(a, label: "c")
              data d = mix(b)
            }
            """;

        RunSummary first = await RunAsync(text, registry);
        Assert.Equal(4, first.Count(NodeStatus.Ran));

        RunSummary second = await RunAsync(text, registry);
        Assert.Equal(4, second.Count(NodeStatus.Cached));
        Assert.Equal(4, make.Executions + mix.Executions);

        RunSummary changed = await RunAsync(text, registry, ["n=3"]);
        Assert.Equal(["a", "c"], changed.Outcomes.Where(o => o.Status == NodeStatus.Ran).Select(o => o.Node.Name));
        Assert.Equal("param size 2 → 3", changed.Outcomes.Single(o => o.Node.Name == "a").Message);
        Assert.Equal("upstream a changed", changed.Outcomes.Single(o => o.Node.Name == "c").Message);
    }

    [Fact]
    public async Task Identical_upstream_bytes_stop_the_rebuild_early()
    {
        var mix = new TextKind("mix");
        var registry = TestExperiment.Registry(new TextKind("make"), mix);
        // mode: constant ignores size, so changing size reruns `a` with identical output bytes.
        const string text = "experiment e {\n param n = 1\n data a = make(size: n, mode: constant)\n data b = mix(a)\n}";

        await RunAsync(text, registry);
        RunSummary rerun = await RunAsync(text, registry, ["n=2"]);

        Assert.Equal(NodeStatus.Ran, rerun.Outcomes.Single(o => o.Node.Name == "a").Status);
        Assert.Equal(NodeStatus.Cached, rerun.Outcomes.Single(o => o.Node.Name == "b").Status);
        Assert.Equal(1, mix.Executions);
    }

    [Fact]
    public async Task A_failure_skips_dependents_and_the_rest_finishes()
    {
        var registry = TestExperiment.Registry(new TextKind("make"), new TextKind("mix"));
        RunSummary summary = await RunAsync("""
            experiment e {
              data bad = make(fail: true)
              data after = mix(bad)
              data good = make(size: 5)
              data also = mix(good)
            }
            """, registry);

        Assert.Equal(1, summary.ExitCode);
        NodeOutcome failed = summary.Outcomes.Single(o => o.Node.Name == "bad");
        Assert.Equal(NodeStatus.Failed, failed.Status);
        Assert.Equal("asked to fail", failed.Message);
        Assert.Contains("error: asked to fail", File.ReadAllText(failed.LogPath!));
        Assert.Equal(NodeStatus.Skipped, summary.Outcomes.Single(o => o.Node.Name == "after").Status);
        Assert.Equal("upstream bad failed", summary.Outcomes.Single(o => o.Node.Name == "after").Message);
        Assert.All(summary.Outcomes.Where(o => o.Node.Name is "good" or "also"), o => Assert.Equal(NodeStatus.Ran, o.Status));
    }

    [Fact]
    public async Task Damaged_cached_output_is_reported_and_recomputed()
    {
        var make = new TextKind("make");
        var registry = TestExperiment.Registry(make, new TextKind("mix"));
        const string text = "experiment e { data a = make(size: 4) }";
        RunSummary first = await RunAsync(text, registry);
        OutputFile file = first.Outcomes[0].Entry!.Outputs["out"].Files[0];
        string blob = Store.ObjectPath(file.Digest);
        File.SetUnixFileMode(blob, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(blob, "garbage of another size");

        var observer = new RecordingObserver();
        RunSummary second = await RunAsync(text, registry, observer: observer);

        Assert.Equal(NodeStatus.Ran, second.Outcomes[0].Status);
        Assert.Contains(observer.Warnings, w => w.Code == "EXP3002");
        Assert.Equal(2, make.Executions);
        Assert.True(Store.VerifyBlob(file.Digest, file.Size));
    }

    [Fact]
    public async Task A_same_size_corrupted_input_is_caught_when_read_and_its_producer_recomputed()
    {
        var make = new TextKind("make");
        var mix = new TextKind("mix");
        var registry = TestExperiment.Registry(make, mix);
        const string text = "experiment e {\n param l = \"p\"\n data a = make(size: 4)\n data b = mix(a, label: l)\n}";
        RunSummary first = await RunAsync(text, registry);
        OutputFile file = first.Outcomes[0].Entry!.Outputs["out"].Files[0];
        string blob = Store.ObjectPath(file.Digest);
        byte[] bytes = File.ReadAllBytes(blob);
        bytes[0] ^= 0xFF;
        File.SetUnixFileMode(blob, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(blob, bytes);

        var observer = new RecordingObserver();
        RunSummary second = await RunAsync(text, registry, ["l=\"q\""], observer: observer);

        Assert.True(second.Succeeded);
        Assert.Contains(observer.Warnings, w => w.Code == "EXP3002" && w.Message.Contains("Recomputing `a`"));
        Assert.Equal(2, make.Executions);
        Assert.Equal(2, mix.Executions);
        Assert.True(Store.VerifyBlob(file.Digest, file.Size));
    }

    [Fact]
    public async Task Resource_slots_keep_heavy_steps_from_overlapping()
    {
        int running = 0;
        int maxRunning = 0;
        var heavy = new TextKind("heavy", slots: new ResourceSlots(Cpu: 2))
        {
            Before = async _ =>
            {
                int now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                await Task.Delay(50);
                Interlocked.Decrement(ref running);
            },
        };
        var registry = TestExperiment.Registry(heavy);
        RunSummary summary = await RunAsync("experiment e { data a = heavy(size: sweep[1, 2, 3, 4]) }", registry, jobs: 3);

        Assert.Equal(4, summary.Count(NodeStatus.Ran));
        Assert.Equal(1, maxRunning);
    }

    [Fact]
    public async Task Independent_steps_run_in_parallel_up_to_jobs()
    {
        int running = 0;
        int maxRunning = 0;
        var light = new TextKind("light")
        {
            Before = async _ =>
            {
                InterlockedMax(ref maxRunning, Interlocked.Increment(ref running));
                await Task.Delay(100);
                Interlocked.Decrement(ref running);
            },
        };
        RunSummary summary = await RunAsync("experiment e { data a = light(size: sweep[1, 2, 3, 4, 5, 6]) }", TestExperiment.Registry(light), jobs: 3);

        Assert.Equal(6, summary.Count(NodeStatus.Ran));
        Assert.Equal(3, maxRunning);
    }

    [Fact]
    public async Task Cancellation_leaves_no_entry_and_the_next_run_completes()
    {
        using var cancellation = new CancellationTokenSource();
        var slow = new TextKind("slow")
        {
            Before = async context =>
            {
                if (context.Params.GetInt("size") == 2)
                {
                    cancellation.Cancel();
                    await Task.Delay(Timeout.Infinite, cancellation.Token);
                }
            },
        };
        var registry = TestExperiment.Registry(slow);
        const string text = "experiment e { data a = slow(size: 2) }";
        StepGraph graph = TestExperiment.CompileOk(text, registry, directory: _directory);
        RunSummary cancelled = await new Scheduler(Store, new RunOptions(), new RecordingObserver()).RunAsync(graph, cancellation.Token);

        Assert.Equal(NodeStatus.Cancelled, cancelled.Outcomes[0].Status);
        Assert.Equal(130, cancelled.ExitCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Store.Root, "tmp")));
        Assert.False(Directory.Exists(Path.Combine(Store.Root, "actions")));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

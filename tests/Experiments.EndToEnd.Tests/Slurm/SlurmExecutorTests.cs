using System.Diagnostics;
using System.Text.Json;
using Experiments.EndToEnd.Tests.Support;

namespace Experiments.EndToEnd.Tests.Slurm;

/// <summary>
/// `exp run --executor slurm` on the real one-node cluster (.ci/slurm-up.sh): every step that runs
/// is an sbatch job running `exp step run`, with the store shared by the jobs and this process.
/// One class, so the tests take turns on the cluster (the GPU test counts concurrent jobs), in a
/// collection that runs alone: its jobs start many `exp` processes, which on 2 cores would slow
/// the other end-to-end tests past their time limits (and theirs would skew the GPU overlap).
/// </summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmExecutorTests
{
    private static readonly string[] Slurm = ["--executor", "slurm"];

    private static IEnumerable<JsonElement> Steps(ExpResult result) => result.Json.GetProperty("steps").EnumerateArray();

    private static string? Job(JsonElement step) => step.TryGetProperty("job", out JsonElement job) ? job.GetString() : null;

    [SlurmFact]
    public async Task Quickstart_sweep_runs_in_slurm_jobs_then_is_cached_and_matches_a_local_run_byte_for_byte()
    {
        SlurmCluster.EnsureAvailable();
        var workspace = new Workspace();
        string file = workspace.CopyExample("quickstart", "quickstart.exp");
        string store = Path.Combine(workspace.Root, "slurm-store");

        ExpResult first = await ExpProcess.RunAsync(workspace.Root, ["run", file, "--store", store, "--json", .. Slurm], null);
        Assert.True(first.ExitCode == 0, first.ToString());
        JsonElement[] steps = Steps(first).ToArray();
        Assert.Equal(13, steps.Length);
        Assert.All(steps, s => Assert.Equal("ran", s.GetProperty("status").GetString()));
        // Every step ran in its own job, and the store records each job under its recipe.
        string[] jobs = steps.Select(s => Job(s) ?? throw new Xunit.Sdk.XunitException($"no job for {s}")).ToArray();
        Assert.Equal(13, jobs.Distinct().Count());
        Dictionary<string, string> slurmJobs = await SlurmCluster.JobsOfStoreAsync(store);
        Assert.Equal(jobs.Order(), slurmJobs.Keys.Order());
        string[] records = Directory.GetFiles(Path.Combine(store, "jobs"), "*.json", SearchOption.AllDirectories);
        Assert.Equal(jobs.Order(), records.Select(r => JsonDocument.Parse(File.ReadAllText(r)).RootElement.GetProperty("job_id").GetString()!).Order());
        foreach (JsonElement step in steps)
        {
            Assert.True(File.Exists(step.GetProperty("log").GetString()), $"no step log for {step}");
        }

        ExpResult second = await ExpProcess.RunAsync(workspace.Root, ["run", file, "--store", store, "--json", .. Slurm], null);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.All(Steps(second), s => Assert.Equal("cached", s.GetProperty("status").GetString()));
        Assert.All(Steps(second), s => Assert.Null(Job(s)));
        Assert.Equal(13, (await SlurmCluster.JobsOfStoreAsync(store)).Count);

        string localStore = Path.Combine(workspace.Root, "local-store");
        ExpResult local = await ExpProcess.RunAsync(workspace.Root, ["run", file, "--store", localStore, "--json"], null);
        Assert.True(local.ExitCode == 0, local.ToString());
        var localSteps = Steps(local).ToDictionary(s => s.GetProperty("id").GetString()!);
        foreach (JsonElement step in steps)
        {
            JsonElement twin = localSteps[step.GetProperty("id").GetString()!];
            Assert.Equal(twin.GetProperty("key").GetString(), step.GetProperty("key").GetString());
            Assert.Equal(twin.GetProperty("outputs").GetRawText(), step.GetProperty("outputs").GetRawText());
        }
        // The same bytes, not only the same names: compare every blob of the two stores.
        string[] slurmBlobs = Blobs(store);
        Assert.Equal(Blobs(localStore), slurmBlobs);
        foreach (string blob in slurmBlobs)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(localStore, "objects", blob)), File.ReadAllBytes(Path.Combine(store, "objects", blob)));
        }
    }

    private static string[] Blobs(string store)
    {
        string objects = Path.Combine(store, "objects");
        return Directory.GetFiles(objects, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(objects, p)).Order(StringComparer.Ordinal).ToArray();
    }

    [SlurmFact]
    public async Task A_step_failing_in_its_job_fails_the_run_with_the_log_excerpt_and_its_dependents_never_start()
    {
        SlurmCluster.EnsureAvailable();
        var workspace = new Workspace();
        workspace.Write("broken/bad.jsonl", "{\"text\": \"fine\"}\nnot json at all\n");
        string file = workspace.Write("broken/broken.exp", """
            experiment broken {
              seed 5
              data rows  = load("bad.jsonl")
              data parts = split(rows, train: 0.5, val: 0.25, test: 0.25)
              data fine  = generate.arithmetic(examples: 50)
            }
            """);

        ExpResult result = await ExpProcess.RunAsync(workspace.Root, ["run", file, "--json", .. Slurm], null);

        Assert.True(result.ExitCode == 1, result.ToString());
        var steps = Steps(result).ToDictionary(s => s.GetProperty("id").GetString()!);
        JsonElement rows = steps["rows"];
        Assert.Equal("failed", rows.GetProperty("status").GetString());
        string message = rows.GetProperty("message").GetString()!;
        Assert.Contains($"Slurm job {Job(rows)} FAILED", message);
        Assert.Contains("bad.jsonl:2", message);
        Assert.Contains("bad.jsonl:2", result.Error + result.Output);

        JsonElement parts = steps["parts"];
        Assert.Equal("skipped", parts.GetProperty("status").GetString());
        Assert.Equal("upstream rows failed", parts.GetProperty("message").GetString());
        // Its job was submitted with afterok and cancelled by Slurm without ever starting.
        Dictionary<string, string> job = await SlurmCluster.ShowJobAsync(Job(parts)!);
        Assert.Equal("CANCELLED", job["JobState"]);
        Assert.Equal("DependencyNeverSatisfied", job["Reason"]);
        Assert.Equal("00:00:00", job["RunTime"]);
        string jobs = Path.Combine(Path.GetDirectoryName(file)!, ".exp", "jobs");
        Assert.Empty(Directory.GetFiles(jobs, $"*.{Job(parts)}.out", SearchOption.AllDirectories));
        Assert.Equal("ran", steps["fine"].GetProperty("status").GetString());
    }

    [SlurmFact]
    public async Task Killing_exp_mid_run_and_rerunning_attaches_to_the_live_jobs_without_submitting_any_step_twice()
    {
        SlurmCluster.EnsureAvailable();
        var workspace = new Workspace();
        // `sleep` (tests/Experiments.TestHost): the first step keeps every job busy for a while.
        string file = workspace.Write("kill/slow.exp", """
            experiment slow {
              seed 9
              data first  = sleep(seconds: 6, tag: 1)
              data middle = sleep(first, seconds: 1, tag: sweep[1, 2, 3])
              data last   = sleep(middle, seconds: 1, tag: 0)
            }
            """);
        string store = Path.Combine(workspace.Root, "kill", ".exp");
        const int Nodes = 7;

        // The first `exp` submits every step, then dies (SIGKILL) before the jobs are done.
        using (var process = Process.Start(ExpProcess.StartInfo(workspace.Root, ["run", file, .. Slurm], dll: ExpProcess.TestHostDll))!)
        {
            _ = process.StandardError.ReadToEndAsync();
            await ReadUntilSubmittedAsync(process, Nodes);
            process.Kill();
            await process.WaitForExitAsync();
        }

        ExpResult rerun = await ExpProcess.RunAsync(workspace.Root, ["run", file, "--json", .. Slurm], null, ExpProcess.TestHostDll);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains("attach ", rerun.Error + rerun.Output);
        Assert.DoesNotContain("submit ", rerun.Error + rerun.Output);

        // Counted from Slurm itself: one job per recipe (step) of this store, one per step in all.
        Dictionary<string, string> jobs = await SlurmCluster.JobsOfStoreAsync(store);
        Assert.Equal(Nodes, jobs.Count);
        Assert.Equal(Nodes, jobs.Values.Distinct().Count());
        foreach (JsonElement step in Steps(rerun))
        {
            string status = step.GetProperty("status").GetString()!;
            Assert.True(status is "ran" or "cached", step.ToString());
            if (Job(step) is { } id)
            {
                Assert.Contains(id, jobs.Keys);
            }
        }
        Assert.Contains(Steps(rerun), s => s.GetProperty("status").GetString() == "ran");
        ExpResult verify = await ExpProcess.RunAsync(workspace.Root, ["verify", file], null, ExpProcess.TestHostDll);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [SlurmFact]
    public async Task Steps_declaring_a_gpu_get_a_gres_request_and_never_overlap_beyond_the_two_gpus()
    {
        SlurmCluster.EnsureAvailable();
        var workspace = new Workspace();
        // hold.gpu (tests/Experiments.TestHost) declares one GPU slot and logs when it held which device.
        // The experiment itself asks for Slurm (no --executor on the command line).
        string file = workspace.Write("gpus/gpus.exp", """
            experiment gpus {
              seed 3
              executor slurm(time: 5)
              data hold = hold.gpu(seconds: 3, tag: sweep[1, 2, 3, 4, 5])
            }
            """);

        ExpResult result = await ExpProcess.RunAsync(workspace.Root, ["run", file, "--json"], null, ExpProcess.TestHostDll);

        Assert.True(result.ExitCode == 0, result.ToString());
        var holds = new List<(long Start, long End, string Device)>();
        foreach (JsonElement step in Steps(result))
        {
            Assert.Equal("ran", step.GetProperty("status").GetString());
            Dictionary<string, string> job = await SlurmCluster.ShowJobAsync(Job(step)!);
            Assert.Equal("gres:gpu:1", job["TresPerNode"]);
            Assert.Equal("00:05:00", job["TimeLimit"]);
            string[] log = File.ReadAllLines(step.GetProperty("log").GetString()!);
            string[] start = log.Single(l => l.StartsWith("hold start ", StringComparison.Ordinal)).Split(' ');
            string[] end = log.Single(l => l.StartsWith("hold end ", StringComparison.Ordinal)).Split(' ');
            holds.Add((long.Parse(start[2]), long.Parse(end[2]), start[4]));
        }
        Assert.Equal(5, holds.Count);
        Assert.All(holds, h => Assert.Contains(h.Device, new[] { "0", "1" }));
        // At every hold's start, how many holds are in progress: never more than the two GPUs,
        // and two at some point (the node has 8 CPUs, so only the GPUs hold them back).
        int[] concurrent = holds.Select(h => holds.Count(o => o.Start <= h.Start && h.Start < o.End)).ToArray();
        Assert.True(concurrent.Max() <= 2, string.Join(", ", holds));
        Assert.True(concurrent.Max() == 2, string.Join(", ", holds));
        // Holds that overlap were given different devices.
        foreach (var a in holds)
        {
            foreach (var b in holds.Where(b => b != a && b.Start < a.End && a.Start < b.End))
            {
                Assert.NotEqual(a.Device, b.Device);
            }
        }
    }

    [SlurmFact]
    public async Task Ctrl_c_cancels_the_jobs_this_run_submitted_and_no_other_job()
    {
        SlurmCluster.EnsureAvailable();
        var workspace = new Workspace();
        string experiment = """
            experiment slow {
              seed 9
              data first  = sleep(seconds: 30, tag: 1)
              data second = sleep(first, seconds: 1, tag: 2)
            }
            """;
        string file = workspace.Write("mine/slow.exp", experiment);
        // Another store's run of the same steps: its jobs are not this run's to cancel.
        string other = workspace.Write("other/slow.exp", experiment);
        var otherRun = Process.Start(ExpProcess.StartInfo(workspace.Root, ["run", other, .. Slurm], dll: ExpProcess.TestHostDll))!;
        try
        {
            await ReadUntilSubmittedAsync(otherRun, 2);
            var run = Process.Start(ExpProcess.StartInfo(workspace.Root, ["run", file, .. Slurm], dll: ExpProcess.TestHostDll))!;
            Task<string> errors = run.StandardError.ReadToEndAsync();
            await ReadUntilSubmittedAsync(run, 2);
            using (Process signal = Process.Start("kill", ["-INT", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            {
                await signal.WaitForExitAsync();
            }
            Task<string> rest = run.StandardOutput.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await run.WaitForExitAsync(limit.Token);
            Assert.True(run.ExitCode == 130, $"exit {run.ExitCode}\n{await rest}\n{await errors}");
            Assert.Contains("cancelled (scancel ", await rest);

            Dictionary<string, string> mine = await SlurmCluster.JobsOfStoreAsync(Path.Combine(workspace.Root, "mine", ".exp"));
            Assert.Equal(2, mine.Count);
            foreach (string id in mine.Keys)
            {
                Assert.Equal("CANCELLED", await SettledStateAsync(id));
            }
            Dictionary<string, string> others = await SlurmCluster.JobsOfStoreAsync(Path.Combine(workspace.Root, "other", ".exp"));
            Assert.Equal(2, others.Count);
            foreach (string id in others.Keys)
            {
                Assert.Contains((await SlurmCluster.ShowJobAsync(id))["JobState"], new[] { "PENDING", "RUNNING" });
            }
        }
        finally
        {
            otherRun.Kill();
            foreach (string id in (await SlurmCluster.JobsOfStoreAsync(Path.Combine(workspace.Root, "other", ".exp"))).Keys)
            {
                using Process cancel = Process.Start("scancel", [id])!;
                await cancel.WaitForExitAsync();
            }
        }
    }

    /// <summary>A job's state once it has left COMPLETING (a cancelled running job passes through it for up to KillWait).</summary>
    private static async Task<string> SettledStateAsync(string jobId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string state = (await SlurmCluster.ShowJobAsync(jobId))["JobState"];
            if (state != "COMPLETING" || clock.Elapsed > TimeSpan.FromMinutes(1))
            {
                return state;
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Reads a running `exp`'s plain output until it has submitted <paramref name="count"/> jobs.</summary>
    private static async Task ReadUntilSubmittedAsync(Process process, int count)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        int submitted = 0;
        while (submitted < count && await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith("submit ", StringComparison.Ordinal))
            {
                submitted++;
            }
        }
        Assert.Equal(count, submitted);
    }
}

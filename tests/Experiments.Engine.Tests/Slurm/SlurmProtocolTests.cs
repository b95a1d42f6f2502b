using Experiments.Engine.Kinds;
using Experiments.Engine.Slurm;

namespace Experiments.Engine.Tests.Slurm;

/// <summary>What the Slurm executor says to sbatch and how it reads squeue (real runs: the end-to-end tests).</summary>
public sealed class SlurmProtocolTests
{
    private static readonly SlurmOptions Options = new() { ExpCommand = ["dotnet", "/opt/exp/exp.dll"], Experiment = "e" };

    [Fact]
    public void A_gpu_step_with_two_unfinished_inputs_asks_for_its_slots_and_waits_for_both_jobs()
    {
        var request = new SbatchRequest("exp:e/ft[lr=0.1]", "exp recipe=abc store=def", "/s/jobs/ab/abc.%j.out",
            new ResourceSlots(Cpu: 4, Gpu: 1, MemoryMb: 8192), ["12", "13"], ["dotnet", "/opt/exp/exp.dll", "step", "run", "abc", "--store", "/s"]);

        IReadOnlyList<string> args = request.Arguments(Options with { Partition = "gpu", Time = "30", ExtraArgs = ["--qos=high"] });

        Assert.Equal(
            [
                "--parsable", "--job-name=exp:e/ft[lr=0.1]", "--comment=exp recipe=abc store=def", "--output=/s/jobs/ab/abc.%j.out",
                "--cpus-per-task=4", "--mem=8192M", "--gres=gpu:1", "--dependency=afterok:12:13", "--kill-on-invalid-dep=yes",
                "--partition=gpu", "--time=30", "--qos=high",
            ],
            args);
    }

    [Fact]
    public void A_light_step_without_inputs_gets_one_cpu_no_gres_and_no_dependency()
    {
        var request = new SbatchRequest("n", "c", "o", ResourceSlots.Light, [], ["exp"]);

        IReadOnlyList<string> args = request.Arguments(Options);

        Assert.Contains("--cpus-per-task=1", args);
        Assert.DoesNotContain(args, a => a.StartsWith("--gres", StringComparison.Ordinal) || a.StartsWith("--dependency", StringComparison.Ordinal) || a.StartsWith("--mem", StringComparison.Ordinal));
        Assert.Contains("--kill-on-invalid-dep=yes", args);
    }

    [Fact]
    public void The_batch_script_execs_exp_with_every_word_quoted_for_the_shell()
    {
        var request = new SbatchRequest("n", "c", "o", ResourceSlots.Light, [], ["/usr/bin/dotnet", "/it's here/exp.dll", "step", "run", "abc", "--store", "/a b/$HOME"]);

        Assert.Equal(
            "#!/bin/sh\nexec '/usr/bin/dotnet' '/it'\\''s here/exp.dll' 'step' 'run' 'abc' '--store' '/a b/$HOME'\n",
            request.Script());
    }

    [Fact]
    public void Squeue_lines_give_each_job_its_state_and_only_final_states_are_finished()
    {
        IReadOnlyDictionary<string, SlurmJobStatus> jobs = SlurmJobStatus.ParseSqueue(
            "3|CANCELLED|DependencyNeverSatisfied\n1|COMPLETED|None\n2|FAILED|NonZeroExitCode\n4|RUNNING|None\n5|PENDING|Dependency\n6|COMPLETING|None\nslurm_load_jobs error: Invalid job id specified\n");

        Assert.Equal(["1", "2", "3", "4", "5", "6"], jobs.Keys.Order());
        Assert.True(jobs["1"].Succeeded);
        Assert.True(jobs["2"].IsFinished && !jobs["2"].Succeeded);
        Assert.Equal("CANCELLED (DependencyNeverSatisfied)", jobs["3"].ToString());
        Assert.True(jobs["4"].IsRunning && !jobs["4"].IsFinished);
        Assert.False(jobs["5"].IsRunning || jobs["5"].IsFinished);
        Assert.False(jobs["6"].IsFinished);
        Assert.True(SlurmJobStatus.Missing("7").IsFinished);
    }
}

using System.Diagnostics;
using System.Text.Json;
using Experiments.EndToEnd.Tests.Support;

namespace Experiments.EndToEnd.Tests;

/// <summary>
/// The arithmetic example through the real CLI, shrunk with -p: it trains and caches, and a
/// training step killed (SIGKILL) after a checkpoint resumes to the weights of an uninterrupted run.
/// </summary>
public sealed class TrainingTests
{
    // Small enough for CI on 2 cores, large enough to checkpoint (save_steps 5 below).
    private static readonly string[] s_small = ["-p", "examples=300", "-p", "pretrain_steps=24", "-p", "finetune_steps=6", "-p", "save_every=5"];

    // Training is CPU-bound: on a busy 2-core machine these runs take minutes, not seconds.
    private static readonly TimeSpan s_trainingLimit = TimeSpan.FromMinutes(15);

    private static Dictionary<string, string> Outputs(ExpResult result) =>
        result.Json.GetProperty("steps").EnumerateArray().ToDictionary(
            s => s.GetProperty("id").GetString()!,
            s => string.Join(",", s.GetProperty("outputs").EnumerateObject().Select(o => $"{o.Name}={o.Value.GetString()}")));

    [Fact]
    public async Task The_arithmetic_example_trains_then_a_second_run_is_all_cached()
    {
        var workspace = new Workspace();
        string file = workspace.CopyExample("arithmetic", "arithmetic.exp");

        ExpResult first = await ExpProcess.RunAsync(workspace.Root, ["run", file, "--json", .. s_small], null, limit: s_trainingLimit);

        Assert.True(first.ExitCode == 0, first.ToString());
        JsonElement[] steps = first.Json.GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal(8, steps.Length); // problems, splits, tok, base, then per variant tuned and scores: shared work once
        Assert.All(steps, s => Assert.Equal("ran", s.GetProperty("status").GetString()));
        JsonElement lora = steps.Single(s => s.GetProperty("name").GetString() == "tuned" && s.GetProperty("id").GetString()!.Contains("lora", StringComparison.Ordinal));
        double share = lora.GetProperty("metrics").GetProperty("trainable_share").GetDouble();
        Assert.InRange(share, 0.001, 0.05);
        Assert.True(double.IsFinite(lora.GetProperty("metrics").GetProperty("val_loss").GetDouble()));
        JsonElement[] scores = steps.Where(s => s.GetProperty("name").GetString() == "scores").ToArray();
        Assert.Equal(2, scores.Length);
        Assert.All(scores, s => Assert.InRange(s.GetProperty("metrics").GetProperty("exact_match").GetDouble(), 0, 1));
        Assert.All(scores, s => Assert.True(s.GetProperty("metrics").GetProperty("perplexity").GetDouble() >= 1));

        ExpResult second = await ExpProcess.RunAsync(workspace.Root, ["run", file, "--json", .. s_small], null, limit: s_trainingLimit);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.All(second.Json.GetProperty("steps").EnumerateArray(), s => Assert.Equal("cached", s.GetProperty("status").GetString()));
        Assert.Equal(Outputs(first), Outputs(second));
    }

    [Fact]
    public async Task A_training_step_killed_after_a_checkpoint_resumes_to_the_weights_of_an_uninterrupted_run()
    {
        var workspace = new Workspace();
        string[] args = ["-p", "examples=300", "-p", "pretrain_steps=40", "-p", "finetune_steps=6", "-p", "save_every=5"];
        string reference = workspace.CopyExample("arithmetic", "arithmetic.exp", "reference");
        ExpResult uninterrupted = await ExpProcess.RunAsync(workspace.Root, ["run", reference, "--json", .. args], null, limit: s_trainingLimit);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());

        string file = workspace.CopyExample("arithmetic", "arithmetic.exp", "victim");
        string checkpoints = Path.Combine(Path.GetDirectoryName(file)!, ".exp", "checkpoints");
        using (var process = Process.Start(ExpProcess.StartInfo(workspace.Root, ["run", file, .. args]))!)
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            // Kill as soon as pretraining has written a checkpoint (every 5 steps here).
            var deadline = Stopwatch.StartNew();
            while (!HasCheckpoint(checkpoints) && !process.HasExited && deadline.Elapsed < s_trainingLimit)
            {
                await Task.Delay(20);
            }
            Assert.False(process.HasExited, "the run finished before it could be killed");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        Assert.True(HasCheckpoint(checkpoints));

        ExpResult resumed = await ExpProcess.RunAsync(workspace.Root, ["run", file, "--json", .. args], null, limit: s_trainingLimit);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(Outputs(uninterrupted), Outputs(resumed));
        string log = Directory.EnumerateFiles(Path.Combine(Path.GetDirectoryName(file)!, ".exp", "logs"), "*.log", SearchOption.AllDirectories)
            .Select(File.ReadAllText).Single(text => text.Contains("(pretrain v", StringComparison.Ordinal) && text.Contains("# finished", StringComparison.Ordinal));
        Assert.Contains("resuming from the checkpoint at step", log);
        Assert.False(Directory.EnumerateDirectories(checkpoints).Any(), "a finished step removes its checkpoints");
    }

    private static bool HasCheckpoint(string root) =>
        Directory.Exists(root) && Directory.EnumerateDirectories(root, "checkpoint-*", SearchOption.AllDirectories).Any();
}

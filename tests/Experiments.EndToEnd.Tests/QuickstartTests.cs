using System.Text.Json;
using Experiments.EndToEnd.Tests.Support;

namespace Experiments.EndToEnd.Tests;

/// <summary>The README's run command, checked the way a user would: run, rerun, change one param.</summary>
public sealed class QuickstartTests
{
    private static Dictionary<string, string> Statuses(ExpResult result) =>
        result.Json.GetProperty("steps").EnumerateArray()
            .ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("status").GetString()!);

    [Fact]
    public async Task Run_is_cached_the_second_time_and_an_override_reruns_exactly_what_depends_on_it()
    {
        var workspace = new Workspace();
        string file = workspace.CopyExample("quickstart", "quickstart.exp");

        ExpResult first = await ExpProcess.RunAsync(workspace.Root, "run", file, "--json");
        Assert.True(first.ExitCode == 0, first.ToString());
        Dictionary<string, string> firstStatuses = Statuses(first);
        Assert.Equal(13, firstStatuses.Count);
        Assert.All(firstStatuses.Values, s => Assert.Equal("ran", s));
        Assert.Equal(8, first.Json.GetProperty("variants").GetInt32());
        JsonElement step = first.Json.GetProperty("steps").EnumerateArray().First(s => s.GetProperty("id").GetString() == "subset[noise=0,subset.fraction=0.25]");
        Assert.Equal("sample", step.GetProperty("kind").GetString());
        Assert.Equal("0", step.GetProperty("variant").GetProperty("noise").GetString());
        Assert.Equal(64, step.GetProperty("key").GetString()!.Length);
        Assert.True(step.GetProperty("seconds").GetDouble() >= 0);

        ExpResult second = await ExpProcess.RunAsync(workspace.Root, "run", file, "--json");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.All(Statuses(second).Values, s => Assert.Equal("cached", s));

        ExpResult status = await ExpProcess.RunAsync(workspace.Root, "status", file, "-p", "examples=1000");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("will run  reviews[noise=0]", status.Output);
        Assert.Contains("param examples 2000 → 1000", status.Output);
        Assert.Contains("upstream reviews[noise=0] will run", status.Output);
        Assert.Contains("10 of 13 steps would run", status.Output);

        ExpResult changed = await ExpProcess.RunAsync(workspace.Root, "run", file, "-p", "examples=1000", "--json");
        Assert.True(changed.ExitCode == 0, changed.ToString());
        Dictionary<string, string> statuses = Statuses(changed);
        string[] expectedRan =
        [
            "reviews[noise=0]", "reviews[noise=0.1]", "splits[noise=0]", "splits[noise=0.1]",
            "subset[noise=0,subset.fraction=0.25]", "subset[noise=0,subset.fraction=0.5]",
            "subset[noise=0.1,subset.fraction=0.25]", "subset[noise=0.1,subset.fraction=0.5]",
            "women[noise=0]", "women[noise=0.1]",
        ];
        Assert.Equal(expectedRan.Order(), statuses.Where(s => s.Value == "ran").Select(s => s.Key).Order());
        Assert.Equal(["folds[folds.fold=0]", "folds[folds.fold=1]", "problems"], statuses.Where(s => s.Value == "cached").Select(s => s.Key).Order());

        ExpResult why = await ExpProcess.RunAsync(workspace.Root, "why", file, "splits", "-p", "examples=1500");
        Assert.True(why.ExitCode == 0, why.ToString());
        Assert.Contains("splits[noise=0]  (split v1", why.Output);
        Assert.Contains("status: will run: upstream reviews[noise=0] will run", why.Output);
        Assert.Contains("param  stratify = label", why.Output);
    }

    [Fact]
    public async Task A_sweep_over_a_shared_prefix_runs_the_shared_steps_once()
    {
        var workspace = new Workspace();
        string file = workspace.Write("sweeping/sweeping.exp", """
            experiment sweeping {
              seed 5
              data base  = generate.sentiment(examples: 400)
              data parts = split(base, train: 0.5, val: 0.25, test: 0.25)
              data part  = sample(parts.train, n: sweep[10, 20, 30, 40, 50])
            }
            """);

        ExpResult result = await ExpProcess.RunAsync(workspace.Root, "run", file, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(5, result.Json.GetProperty("variants").GetInt32());
        Dictionary<string, string> statuses = Statuses(result);
        Assert.Equal(["base", "part[part.n=10]", "part[part.n=20]", "part[part.n=30]", "part[part.n=40]", "part[part.n=50]", "parts"], statuses.Keys.Order());
        Assert.All(statuses.Values, s => Assert.Equal("ran", s));
    }
}

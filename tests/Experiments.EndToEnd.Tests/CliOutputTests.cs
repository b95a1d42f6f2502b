using System.CommandLine;
using Experiments.Cli;
using Experiments.EndToEnd.Tests.Support;
using Experiments.Engine.Kinds;
using Experiments.Steps;
using Snapshooter;
using Snapshooter.Xunit;

namespace Experiments.EndToEnd.Tests;

/// <summary>
/// What users read: `--help` of every command and `exp kinds` (generated from the kinds'
/// schemas) as snapshots, so wording changes are reviewed; and `exp gc` on a real store.
/// </summary>
public sealed class CliOutputTests
{
    private static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var services = new CliServices(new StepKindRegistry(KindCatalog.All), output, error, Interactive: false);
        int exitCode = await CliApp.InvokeAsync(args, services);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("run")]
    [InlineData("status")]
    [InlineData("why")]
    [InlineData("kinds")]
    [InlineData("gc")]
    [InlineData("verify")]
    public async Task Help_of_each_command(string command)
    {
        (int exitCode, string output, _) = await InvokeAsync(command, "--help");
        Assert.Equal(0, exitCode);
        // The --jobs default is the machine's core count: scrub it so the snapshot holds anywhere.
        string scrubbed = System.Text.RegularExpressions.Regex.Replace(
            output.Replace("testhost", "exp", StringComparison.Ordinal), @"(--jobs <jobs>.*)\[default: \d+\]", "$1[default: cores]");
        Snapshot.Match(scrubbed, SnapshotNameExtension.Create(command));
    }

    [Fact]
    public async Task Kinds_are_listed_from_their_schemas()
    {
        (int exitCode, string output, _) = await InvokeAsync("kinds");
        Assert.Equal(0, exitCode);
        foreach (StepKind kind in KindCatalog.All)
        {
            Assert.Contains($"{kind.Name}  v{kind.Schema.Version}", output);
            Assert.All(kind.Schema.Params, p => Assert.Contains(p.Doc, output));
        }
        Snapshot.Match(output);
    }

    [Fact]
    public async Task Unknown_kind_is_a_usage_error_with_a_suggestion()
    {
        (int exitCode, _, string error) = await InvokeAsync("kinds", "splt");
        Assert.Equal(2, exitCode);
        Assert.Contains("Did you mean `split`?", error);
    }

    [Fact]
    public async Task Gc_dry_run_lists_sizes_and_removes_nothing_then_gc_removes_what_no_recent_run_used()
    {
        var workspace = new Workspace();
        string file = workspace.CopyExample("quickstart", "quickstart.exp");
        Assert.Equal(0, (await ExpProcess.RunAsync(workspace.Root, "run", file, "-p", "examples=500")).ExitCode);
        Assert.Equal(0, (await ExpProcess.RunAsync(workspace.Root, "run", file)).ExitCode);

        ExpResult dry = await ExpProcess.RunAsync(workspace.Root, "gc", file, "--dry-run", "--keep-runs", "1", "--keep-days", "0");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Matches(@"would remove action +\d+(\.\d)? (B|KiB)", dry.Output);
        Assert.Matches(@"would remove blob +\d+(\.\d)? (B|KiB|MiB)", dry.Output);
        ExpResult stillCached = await ExpProcess.RunAsync(workspace.Root, "status", file, "-p", "examples=500");
        Assert.Contains("all 13 steps are cached", stillCached.Output);

        ExpResult gc = await ExpProcess.RunAsync(workspace.Root, "gc", file, "--keep-runs", "1", "--keep-days", "0");
        Assert.True(gc.ExitCode == 0, gc.ToString());
        Assert.Contains("removed", gc.Output);
        Assert.Contains("all 13 steps are cached", (await ExpProcess.RunAsync(workspace.Root, "status", file)).Output);
        Assert.Contains("10 of 13 steps would run", (await ExpProcess.RunAsync(workspace.Root, "status", file, "-p", "examples=500")).Output);
        Assert.Equal(0, (await ExpProcess.RunAsync(workspace.Root, "verify", file)).ExitCode);
    }
}

using System.Text.RegularExpressions;
using Experiments.Tracking.Tests.Support;
using Snapshooter.Xunit;

namespace Experiments.Tracking.Tests;

/// <summary>The tables of `exp runs` and `exp diff` (ids and times scrubbed to same-width placeholders).</summary>
public sealed partial class TableSnapshotTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly InProcessCli _cli = new();

    private async Task<string> TwoRuns()
    {
        string file = _folder.Write("table.exp", """
            experiment table {
              seed 2
              param flip = 0
              param examples = 120
              data reviews = generate.sentiment(examples: examples)
              eval scores = test.scores(n: 200, flip: flip, gain: sweep[0, 5])
            }
            """);
        Assert.Equal(0, (await _cli.RunAsync("run", file, "--store", _folder.Store)).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("run", file, "--store", _folder.Store, "-p", "flip=30", "-p", "examples=150")).ExitCode);
        return file;
    }

    /// <summary>Run ids and keys become R0000001…, in order of appearance; times a fixed stamp.</summary>
    private static string Scrub(string text)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        text = HexId().Replace(text, m => ids.TryGetValue(m.Value, out string? known) ? known : ids[m.Value] = $"R{ids.Count + 1:D7}"[..8].PadRight(m.Value.Length, '0'));
        return Timestamp().Replace(text, "2000-01-01 00:00:00");
    }

    [Fact]
    public async Task Runs_table()
    {
        await TwoRuns();
        CliResult plain = await _cli.RunAsync("runs", "--store", _folder.Store, "--all");
        CliResult markdown = await _cli.RunAsync("runs", "--store", _folder.Store, "--md");
        Scrub(plain.Output + "\n" + markdown.Output).MatchSnapshot();
    }

    [Fact]
    public async Task Diff_table_with_significance()
    {
        await TwoRuns();
        CliResult diff = await _cli.RunAsync("diff", "latest", await Oldest(), "--store", _folder.Store);
        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Contains("significant [", diff.Output);
        Scrub(diff.Output).MatchSnapshot();
    }

    private async Task<string> Oldest()
    {
        CliResult runs = await _cli.RunAsync("runs", "--store", _folder.Store, "--json");
        return System.Text.Json.JsonDocument.Parse(runs.Output).RootElement.GetProperty("runs")[1].GetProperty("id").GetString()!;
    }

    [GeneratedRegex(@"\b[0-9a-f]{8,64}\b")]
    private static partial Regex HexId();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")]
    private static partial Regex Timestamp();

    public void Dispose() => _folder.Dispose();
}

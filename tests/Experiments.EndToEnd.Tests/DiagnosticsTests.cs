using Experiments.EndToEnd.Tests.Support;

namespace Experiments.EndToEnd.Tests;

/// <summary>User mistakes through the real CLI: canonical diagnostics on stderr, exit code 2, no stack trace.</summary>
public sealed class DiagnosticsTests
{
    private static string Corpus => Experiments.Tests.Shared.RepositoryPaths.MalformedCorpus;

    [Fact]
    public async Task Every_malformed_experiment_exits_2_with_its_diagnostic_and_no_stack_trace()
    {
        string[] files = Directory.GetFiles(Corpus, "*.exp").Order(StringComparer.Ordinal).ToArray();
        Assert.True(files.Length >= 40);
        var failures = new List<string>();
        foreach (string file in files)
        {
            string[] expected = File.ReadAllText(Path.ChangeExtension(file, ".expected")).Trim().Split(' ', ':');
            ExpResult result = await ExpProcess.RunAsync(Corpus, "run", Path.GetFileName(file));
            string first = result.Error.Split('\n')[0];
            string wanted = $"{Path.GetFileName(file)}({expected[1]},{expected[2]}): error {expected[0]}: ";
            if (result.ExitCode != 2 || !first.StartsWith(wanted, StringComparison.Ordinal) || result.Error.Contains("   at "))
            {
                failures.Add($"{Path.GetFileName(file)}: wanted exit 2 and `{wanted}...`, got {result}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.False(Directory.Exists(Path.Combine(Corpus, ".exp")), "a malformed experiment must not create a store");
    }

    [Fact]
    public async Task A_malformed_input_file_fails_its_step_names_the_line_and_the_rest_finishes()
    {
        var workspace = new Workspace();
        workspace.Write("bad/rows.jsonl", "{\"text\": \"ok\", \"label\": 1}\n{\"text\": \"broken\", \"label\": }\n");
        string file = workspace.Write("bad/bad.exp", """
            experiment bad {
              data rows    = load("rows.jsonl")
              data small   = sample(rows, n: 1)
              data reviews = generate.sentiment(examples: 50)
            }
            """);

        ExpResult result = await ExpProcess.RunAsync(workspace.Root, "run", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("rows.jsonl:2: invalid JSON", result.Error);
        Assert.Contains("skipped small: upstream rows failed", result.Output);
        Assert.Contains("ran     reviews", result.Output);
        Assert.Contains("1 ran, 0 cached, 1 failed, 1 skipped", result.Output);
        string log = result.Output.Split('\n').Single(l => l.TrimStart().StartsWith("log: ", StringComparison.Ordinal)).Trim()[5..];
        Assert.Contains("rows.jsonl:2: invalid JSON", File.ReadAllText(log));
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task Usage_mistakes_exit_2()
    {
        ExpResult unknownOption = await ExpProcess.RunAsync(Workspace.RepositoryRoot, "run", "--no-such-option");
        Assert.Equal(2, unknownOption.ExitCode);
        ExpResult missingFile = await ExpProcess.RunAsync(Workspace.RepositoryRoot, "run", "does-not-exist.exp");
        Assert.Equal(2, missingFile.ExitCode);
        Assert.Contains("error EXP2013: no experiment file `does-not-exist.exp`", missingFile.Error);
    }
}

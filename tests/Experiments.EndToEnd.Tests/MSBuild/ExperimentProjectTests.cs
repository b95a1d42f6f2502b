using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;
using Experiments.EndToEnd.Tests.Support;

namespace Experiments.EndToEnd.Tests.MSBuild;

/// <summary>
/// Issue 5: experiment projects built with the real `dotnet build`, resolving Experiments.Sdk as
/// a package from a feed (see <see cref="SdkFixture"/>).
/// </summary>
public sealed class ExperimentProjectTests(SdkFixture sdk) : IClassFixture<SdkFixture>
{
    private static readonly Regex ErrorLine = new(@"^[ \t]*(?<file>[^\s(][^(\r\n]*)\((?<line>\d+),(?<column>\d+)\): error (?<code>EXP\d{4}): ", RegexOptions.Multiline);

    private static string[] Errors(BuildResult result) =>
        ErrorLine.Matches(result.Output).Select(m => m.Value.Trim()).Distinct().ToArray();

    private static (int Line, int Column) Position(string text, string needle)
    {
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int column = lines[i].IndexOf(needle, StringComparison.Ordinal);
            if (column >= 0)
            {
                return (i + 1, column + 1);
            }
        }
        throw new InvalidOperationException($"`{needle}` is not in the text.");
    }

    [Slurm.SlurmFact]
    public async Task ExperimentExecutor_slurm_runs_every_step_as_a_slurm_job_with_the_project_s_job_settings()
    {
        Slurm.SlurmCluster.EnsureAvailable();
        string root = sdk.NewWorkspace();
        string project = Path.Combine(root, "experiments", "quickstart", "quickstart.exproj");
        string store = Path.Combine(root, "slurm-store");

        BuildResult built = await sdk.BuildAsync(root, project, "-p:ExperimentExecutor=slurm", "-p:ExperimentSlurmTime=10", $"-p:ExperimentStore={store}");

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("quickstart: 13 steps, 8 variant(s): 13 ran, 0 cached, 0 failed, 0 skipped", built.Output);
        Assert.Equal(13, Regex.Matches(built.Output, @"^[ \t]*submit\s+\S+: job \d+", RegexOptions.Multiline).Count);
        Dictionary<string, string> jobs = await Slurm.SlurmCluster.JobsOfStoreAsync(store);
        Assert.Equal(13, jobs.Count);
        Assert.Equal("00:10:00", (await Slurm.SlurmCluster.ShowJobAsync(jobs.Keys.First()))["TimeLimit"]);
    }

    [Fact]
    public async Task A_build_runs_the_experiment_a_second_is_up_to_date_in_one_line_and_a_param_reruns_exactly_what_depends_on_it()
    {
        string root = sdk.NewWorkspace();
        string project = Path.Combine(root, "experiments", "quickstart", "quickstart.exproj");

        BuildResult first = await sdk.BuildAsync(root, project);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("quickstart: 13 steps, 8 variant(s): 13 ran, 0 cached, 0 failed, 0 skipped", first.Output);
        Assert.Contains("start   splits[noise=0] (split): new step", first.Output);

        BuildResult second = await sdk.BuildAsync(root, project);
        Assert.True(second.ExitCode == 0, second.ToString());
        string[] experimentLines = second.Output.Split('\n').Where(l => l.Contains("quickstart", StringComparison.Ordinal) && !l.Contains("->", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["  quickstart: up to date (13 steps cached)"], experimentLines.Select(l => l.TrimEnd('\r')));

        BuildResult status = await sdk.BuildAsync(root, project, "-t:Status", "-p:Param_examples=1000");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("param examples 2000 → 1000", status.Output);
        Assert.Contains("10 of 13 steps would run", status.Output);

        BuildResult changed = await sdk.BuildAsync(root, project, "-p:Param_examples=1000", "-p:ExperimentJobs=1");
        Assert.True(changed.ExitCode == 0, changed.ToString());
        Assert.Contains("quickstart: 13 steps, 8 variant(s): 10 ran, 3 cached, 0 failed, 0 skipped", changed.Output);
        string[] ran = Regex.Matches(changed.Output, @"^[ \t]*ran\s+(\S+) in ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Order().ToArray();
        string[] expectedRan =
        [
            "reviews[noise=0.1]", "reviews[noise=0]", "splits[noise=0.1]", "splits[noise=0]",
            "subset[noise=0,subset.fraction=0.25]", "subset[noise=0,subset.fraction=0.5]",
            "subset[noise=0.1,subset.fraction=0.25]", "subset[noise=0.1,subset.fraction=0.5]",
            "women[noise=0.1]", "women[noise=0]",
        ];
        Assert.Equal(expectedRan.Order(), ran);

        // Clean removes the project's outputs, never the store: the next build is all cached again.
        Assert.True(Directory.Exists(Path.Combine(root, "experiments", "quickstart", "bin", "experiment")));
        BuildResult clean = await sdk.BuildAsync(root, project, "-t:Clean");
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.False(Directory.Exists(Path.Combine(root, "experiments", "quickstart", "bin", "experiment")));
        Assert.True(Directory.Exists(Path.Combine(root, "experiments", ".exp")), "the shared store (experiments/Directory.Build.props) survives Clean");
    }

    [Fact]
    public async Task A_project_written_in_items_and_its_exp_twin_have_identical_step_keys()
    {
        string root = sdk.NewWorkspace();
        string folder = Path.Combine(root, "experiments", "sentiment-items");

        BuildResult build = await sdk.BuildAsync(root, Path.Combine(folder, "sentiment-items.exproj"));
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("sentiment_items: 9 steps, 3 variant(s): 9 ran", build.Output);
        string items = Path.Combine(folder, "obj", "sentiment-items.items.json");
        Assert.True(File.Exists(items), build.ToString());
        using (var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(items)))
        {
            // Paths in items resolve against the project (not the SDK file that holds the task).
            Assert.Equal(Path.Combine(folder, "sentiment-items.exproj"), document.RootElement.GetProperty("file").GetString());
            Assert.Equal(42, document.RootElement.GetProperty("seed").GetInt64());
        }

        ExpResult fromItems = await ExpProcess.RunAsync(root, "run", items, "--json", "--store", Path.Combine(root, "store-items"));
        ExpResult fromDsl = await ExpProcess.RunAsync(root, "run", Path.Combine(folder, "sentiment-items.exp"), "--json", "--store", Path.Combine(root, "store-dsl"));
        Assert.True(fromItems.ExitCode == 0, fromItems.ToString());
        Assert.True(fromDsl.ExitCode == 0, fromDsl.ToString());

        static Dictionary<string, string> Keys(ExpResult result) => result.Json.GetProperty("steps").EnumerateArray()
            .ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("key").GetString()!);
        Dictionary<string, string> itemKeys = Keys(fromItems);
        Assert.Equal(9, itemKeys.Count);
        Assert.Equal(Keys(fromDsl).OrderBy(p => p.Key), itemKeys.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task An_error_in_the_exp_file_is_one_msbuild_error_at_its_file_line_and_column_also_in_the_binlog()
    {
        string root = sdk.NewWorkspace();
        string exp = Path.Combine(root, "experiments", "quickstart", "quickstart.exp");
        string text = File.ReadAllText(exp).Replace("kfold(problems", "kfolt(problems", StringComparison.Ordinal);
        File.WriteAllText(exp, text);
        (int line, int column) = Position(text, "kfolt(");
        string binlog = Path.Combine(root, "build.binlog");

        BuildResult result = await sdk.BuildAsync(root, Path.Combine(root, "experiments", "quickstart", "quickstart.exproj"), "-bl:" + binlog);

        Assert.True(result.ExitCode != 0, result.ToString());
        string[] errors = Errors(result);
        Assert.True(errors.Length == 1, result.ToString());
        Assert.Equal($"{exp}({line},{column}): error EXP2001:", errors[0]);
        Assert.Contains("unknown step kind", result.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("1 Error(s)", result.Output);
        Assert.Contains("EXP2001", BinlogText(binlog));
    }

    [Fact]
    public async Task An_invalid_step_item_is_one_msbuild_error_at_its_element_in_the_project_file()
    {
        string root = sdk.NewWorkspace();
        string project = Path.Combine(root, "experiments", "sentiment-items", "sentiment-items.exproj");
        string text = File.ReadAllText(project).Replace("Train=\"0.8\"", "Trian=\"0.8\"", StringComparison.Ordinal);
        File.WriteAllText(project, text);
        (int line, int column) = Position(text, "Trian=");
        string binlog = Path.Combine(root, "build.binlog");

        BuildResult result = await sdk.BuildAsync(root, project, "-bl:" + binlog);

        Assert.True(result.ExitCode != 0, result.ToString());
        string[] errors = Errors(result);
        Assert.True(errors.Length == 1, result.ToString());
        Assert.Equal($"{project}({line},{column}): error EXP2002:", errors[0]);
        Assert.Contains("has no parameter or input `trian`", result.Output);
        Assert.Contains("1 Error(s)", result.Output);
        Assert.Contains("EXP2002", BinlogText(binlog));
    }

    [Fact]
    public async Task A_failing_gate_fails_the_build_at_its_item_and_Gate_false_skips_the_gates()
    {
        string root = sdk.NewWorkspace();
        string project = Path.Combine(root, "experiments", "sentiment-items", "sentiment-items.exproj");
        // The test split holds 200 reviews, about 100 of them about women: the first gate fails, the second passes.
        string text = File.ReadAllText(project).Replace(
            "    <Sweep Include=",
            "    <Gate Include=\"women.rows\" Min=\"1000\" />\n    <Gate Include=\"splits.test_rows\" Min=\"100\" Max=\"300\" />\n    <Sweep Include=",
            StringComparison.Ordinal);
        File.WriteAllText(project, text);
        (int line, int column) = Position(text, "Min=\"1000\"");
        string summary = Path.Combine(root, "gates.md");

        BuildResult failed = await sdk.BuildAsync(root, project, "-p:ExperimentGateSummary=" + summary);

        Assert.True(failed.ExitCode != 0, failed.ToString());
        Assert.True(Errors(failed) is [var error] && error == $"{project}({line},{column}): error EXP4001:", failed.ToString());
        Assert.Contains("which fails the condition", failed.Output);
        Assert.DoesNotContain("EXP0004", failed.Output); // the gate's own error says it; no generic "exited with code 3"
        string markdown = File.ReadAllText(summary);
        Assert.Contains("women.rows >= 1000", markdown);
        Assert.Contains("❌ fail", markdown);
        Assert.Contains("splits.test_rows <= 300", markdown);
        Assert.Contains("✅ pass", markdown);

        // The results are made and cached; only the verdict failed. Without gates the build succeeds from the cache.
        BuildResult skipped = await sdk.BuildAsync(root, project, "-p:Gate=false");
        Assert.True(skipped.ExitCode == 0, skipped.ToString());
        Assert.Contains("up to date", skipped.Output);
        Assert.Empty(Errors(skipped));
    }

    [Fact]
    public void The_task_assembly_in_the_package_references_neither_the_engine_nor_TorchSharp()
    {
        using ZipArchive package = ZipFile.OpenRead(Path.Combine(sdk.Feed, "Experiments.Sdk.0.1.0.nupkg"));
        ZipArchiveEntry entry = package.GetEntry("tasks/Experiments.Tasks.dll")!;
        Assert.NotNull(package.GetEntry("Sdk/Sdk.props"));
        Assert.NotNull(package.GetEntry("Sdk/Sdk.targets"));
        Assert.NotNull(package.GetEntry("tools/exp/exp.dll"));
        using var bytes = new MemoryStream();
        using (Stream stream = entry.Open())
        {
            stream.CopyTo(bytes);
        }
        bytes.Position = 0;
        using var pe = new PEReader(bytes);
        MetadataReader metadata = pe.GetMetadataReader();
        string[] references = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToArray();

        Assert.Contains("Microsoft.Build.Utilities.Core", references);
        Assert.DoesNotContain(references, r => r.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(references, r => r.StartsWith("Experiments.", StringComparison.Ordinal) || r == "exp");
    }

    /// <summary>A binlog is a gzip stream; its strings (messages, codes) are stored as UTF-8.</summary>
    private static string BinlogText(string path)
    {
        Assert.True(File.Exists(path), $"no binlog at {path}");
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return Encoding.UTF8.GetString(memory.ToArray());
    }
}

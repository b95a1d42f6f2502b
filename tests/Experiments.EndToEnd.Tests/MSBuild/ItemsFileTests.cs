using Experiments.EndToEnd.Tests.Support;
using Experiments.Tasks;

namespace Experiments.EndToEnd.Tests.MSBuild;

/// <summary>The items file (what the MSBuild task writes) read by the real `exp`, and the metadata naming rule.</summary>
public sealed class ItemsFileTests
{
    [Theory]
    [InlineData("Train", "train")]
    [InlineData("LabelNoise", "label_noise")]
    [InlineData("PositiveShare", "positive_share")]
    [InlineData("label_noise", "label_noise")]
    [InlineData("MaxTokens2", "max_tokens2")]
    [InlineData("Top5Accuracy", "top5_accuracy")]
    [InlineData("HTTPTimeout", "http_timeout")]
    public void Metadata_names_are_snake_cased(string metadata, string parameter) =>
        Assert.Equal(parameter, ItemsWriter.SnakeCase(metadata));

    [Fact]
    public async Task A_step_without_a_kind_and_a_malformed_value_are_errors_at_their_positions_in_the_project_file()
    {
        var workspace = new Workspace();
        string project = Path.Combine(workspace.Root, "x.exproj");
        string items = workspace.Write("obj/x.items.json", $$"""
            {
              "experiment": "x", "file": {{System.Text.Json.JsonSerializer.Serialize(project)}}, "seed": 1,
              "params": [],
              "steps": [
                { "name": "reviews", "category": "", "kind": "", "file": {{System.Text.Json.JsonSerializer.Serialize(project)}}, "line": 4, "column": 5, "arguments": [] },
                { "name": "splits", "category": "data", "kind": "split", "file": {{System.Text.Json.JsonSerializer.Serialize(project)}}, "line": 5, "column": 5,
                  "arguments": [ { "name": "train", "value": "0.8 0.1", "line": 5, "column": 40 } ] }
              ],
              "gates": []
            }
            """);

        ExpResult result = await ExpProcess.RunAsync(workspace.Root, "run", items, "--store", Path.Combine(workspace.Root, "store"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{project}(4,5): error EXP2018: step `reviews` has no `Kind` metadata.", result.Error);
        Assert.Contains($"{project}(5,40): error EXP1", result.Error);
        Assert.Contains("in `train` of step `splits` (`0.8 0.1`)", result.Error);
    }

    [Fact]
    public async Task A_sweep_item_samples_the_variants_like_sweep_random_in_a_file()
    {
        var workspace = new Workspace();
        string project = System.Text.Json.JsonSerializer.Serialize(Path.Combine(workspace.Root, "x.exproj"));
        string items = workspace.Write("obj/x.items.json", $$"""
            {
              "experiment": "x", "file": {{project}}, "seed": 3,
              "params": [ { "name": "n", "value": "sweep[10, 20, 30, 40, 50, 60, 70, 80]", "file": {{project}}, "line": 3, "column": 5 } ],
              "steps": [ { "name": "reviews", "category": "data", "kind": "generate.sentiment", "file": {{project}}, "line": 4, "column": 5,
                           "arguments": [ { "name": "examples", "value": "n", "line": 4, "column": 40 } ] } ],
              "gates": [],
              "samplers": [ { "sampler": "random", "n": "3", "file": {{project}}, "line": 5, "column": 5 } ]
            }
            """);
        string twin = workspace.Write("x.exp", """
            experiment x {
              seed 3
              param n = sweep[10, 20, 30, 40, 50, 60, 70, 80]
              data reviews = generate.sentiment(examples: n)
              sweep random(3)
            }
            """);

        ExpResult fromItems = await ExpProcess.RunAsync(workspace.Root, "status", items, "--json", "--store", Path.Combine(workspace.Root, "store"));
        ExpResult fromFile = await ExpProcess.RunAsync(workspace.Root, "status", twin, "--json", "--store", Path.Combine(workspace.Root, "store"));

        Assert.True(fromItems.ExitCode == 0, fromItems.ToString());
        Assert.Equal(3, fromItems.Json.GetProperty("variants").GetInt32());
        Assert.Equal(
            fromFile.Json.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("id").GetString()),
            fromItems.Json.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
    }
}

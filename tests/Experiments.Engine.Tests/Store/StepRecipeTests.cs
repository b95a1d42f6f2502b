using Experiments.Engine.Compile;
using Experiments.Engine.Store;

namespace Experiments.Engine.Tests.Store;

public sealed class StepRecipeTests
{
    private static StepRecipe Recipe(string step = "b[lr=0.1]", string display = "data/x.csv", double lr = 0.1) => new(
        step,
        "mix",
        2,
        new Dictionary<string, CanonicalValue> { ["lr"] = CanonicalValue.Number(lr), ["label"] = CanonicalValue.String("x") },
        new Dictionary<string, RecipeInput> { ["data"] = new(new string('a', 64), "train") },
        new Dictionary<string, StepSourceRecord> { ["path"] = new(display, new string('b', 64), 42) },
        1234);

    [Fact]
    public void Its_id_ignores_the_step_name_and_file_spelling_but_not_what_decides_the_result()
    {
        Assert.Equal(Recipe().Id, Recipe(step: "other", display: "./data/x.csv").Id);
        Assert.NotEqual(Recipe().Id, Recipe(lr: 0.2).Id);
        Assert.NotEqual(Recipe().Id, (Recipe() with { ExperimentSeed = 1 }).Id);
        Assert.NotEqual(Recipe().Id, (Recipe() with { Inputs = new Dictionary<string, RecipeInput> { ["data"] = new(new string('a', 64), "val") } }).Id);
    }

    [Fact]
    public void It_reads_back_as_written_and_a_damaged_file_is_refused()
    {
        StepRecipe recipe = Recipe();
        byte[] json = recipe.ToJson();

        StepRecipe read = StepRecipe.Parse(json);

        Assert.Equal(recipe.Id, read.Id);
        Assert.Equal(recipe.Step, read.Step);
        Assert.Equal("data/x.csv", read.Sources["path"].DisplayPath);
        byte[] damaged = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(json).Replace("\"train\"", "\"test\"", StringComparison.Ordinal));
        Assert.Throws<FormatException>(() => StepRecipe.Parse(damaged));
    }
}

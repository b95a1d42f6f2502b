using System.Text.Json;

namespace Experiments.Engine.Store;

/// <summary>Recipes and their results (<c>recipes/ab/ID.json</c>, <c>recipes/ab/ID.result.json</c>).</summary>
public sealed partial class ContentStore
{
    public string RecipePath(string id) => Path.Combine(Root, "recipes", id[..2], id + ".json");

    public string RecipeResultPath(string id) => Path.Combine(Root, "recipes", id[..2], id + ".result.json");

    /// <summary>Writes a recipe unless it is there already (its content is a function of its name).</summary>
    public void PutRecipe(StepRecipe recipe)
    {
        string path = RecipePath(recipe.Id);
        if (File.Exists(path))
        {
            return;
        }
        EnsureDirectoryFor(path);
        AtomicFile.Write(path, recipe.ToJson(), Temp);
    }

    public StepRecipe? TryGetRecipe(string id)
    {
        string path = RecipePath(id);
        return File.Exists(path) ? StepRecipe.Parse(File.ReadAllBytes(path)) : null;
    }

    public void PutRecipeResult(RecipeResult result)
    {
        string path = RecipeResultPath(result.Recipe);
        EnsureDirectoryFor(path);
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(result, StoreJson.Default.RecipeResult), Temp);
    }

    public RecipeResult? TryGetRecipeResult(string id)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(RecipeResultPath(id)), StoreJson.Default.RecipeResult);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}

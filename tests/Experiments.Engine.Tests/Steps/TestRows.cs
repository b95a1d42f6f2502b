using System.Text.Json.Nodes;

namespace Experiments.Engine.Tests.Steps;

internal static class TestRows
{
    /// <summary>Rows <c>{"id": i, "label": ..., "text": ...}</c>; every <paramref name="positiveEvery"/>-th row has label 1.</summary>
    public static IEnumerable<JsonObject> Labeled(int count, int positiveEvery = 4) =>
        Enumerable.Range(0, count).Select(i => new JsonObject
        {
            ["id"] = i,
            ["label"] = i % positiveEvery == 0 ? 1 : 0,
            ["text"] = $"row {i}",
        });
}

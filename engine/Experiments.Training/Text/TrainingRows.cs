using System.Text.Json.Nodes;
using Experiments.Engine.Execution;
using Experiments.Steps.Data;

namespace Experiments.Training.Text;

/// <summary>
/// Reads the string fields training needs from a Data input's rows, failing the step with the
/// input, line and field named when a row lacks one or holds something that is not text.
/// </summary>
internal static class TrainingRows
{
    /// <summary>For each row, the values of <paramref name="fields"/> (numbers and booleans as their JSON text).</summary>
    public static List<string[]> Read(StepContext context, string input, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        string display = JsonlDataset.InputDisplayName(input);
        var rows = new List<string[]>();
        foreach (JsonlRow row in JsonlDataset.Read(JsonlDataset.InputPath(context, input), display, cancellationToken))
        {
            var values = new string[fields.Count];
            for (int i = 0; i < fields.Count; i++)
            {
                values[i] = Field(row, fields[i], display);
            }
            rows.Add(values);
        }
        if (rows.Count == 0)
        {
            throw new StepFailedException($"{display} has no rows to train on.");
        }
        return rows;
    }

    private static string Field(JsonlRow row, string field, string display)
    {
        if (!row.Value.TryGetPropertyValue(field, out JsonNode? node) || node is null)
        {
            string present = string.Join(", ", row.Value.Select(p => p.Key));
            throw new StepFailedException($"{display}:{row.LineNumber}: the row has no field '{field}' (it has: {present}).");
        }
        return node is JsonValue value && value.TryGetValue(out string? text)
            ? text
            : node is JsonValue ? JsonlDataset.ValueText(node)
            : throw new StepFailedException($"{display}:{row.LineNumber}: field '{field}' holds {node.GetValueKind().ToString().ToLowerInvariant()}, not text.");
    }
}

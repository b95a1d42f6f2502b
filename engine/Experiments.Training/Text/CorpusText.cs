using System.Text.Json;
using System.Text.Json.Nodes;
using Experiments.Engine.Execution;
using Experiments.Steps.Data;

namespace Experiments.Training.Text;

/// <summary>
/// The training text of a Data input: one text per row, the values of the chosen fields joined by a
/// single space (<c>["prompt", "completion"]</c> gives <c>"2+2= 4"</c>). Every row must have every
/// field, as a string; otherwise the step fails naming the line, the row and the field.
/// </summary>
public static class CorpusText
{
    /// <summary>The texts of Data input <paramref name="inputName"/>, read lazily in row order.</summary>
    public static IEnumerable<string> Read(StepContext context, string inputName, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        if (fields.Count == 0)
        {
            throw new StepFailedException($"{context.Schema.Name}: 'fields' must name at least one field of input '{inputName}'.");
        }
        string displayName = JsonlDataset.InputDisplayName(inputName);
        return Rows(JsonlDataset.InputPath(context, inputName), displayName, fields, cancellationToken);
    }

    /// <summary>
    /// The text of one row: its <paramref name="fields"/> joined by a single space. <paramref name="rowNumber"/>
    /// (1-based) and <paramref name="displayName"/> only name the row in a failure.
    /// </summary>
    public static string RowText(JsonlRow row, int rowNumber, IReadOnlyList<string> fields, string displayName)
    {
        if (fields.Count == 1)
        {
            return FieldText(row, rowNumber, fields[0], displayName);
        }
        return string.Join(' ', fields.Select(field => FieldText(row, rowNumber, field, displayName)));
    }

    private static IEnumerable<string> Rows(string path, string displayName, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        int rowNumber = 0;
        foreach (JsonlRow row in JsonlDataset.Read(path, displayName, cancellationToken))
        {
            yield return RowText(row, ++rowNumber, fields, displayName);
        }
    }

    private static string FieldText(JsonlRow row, int rowNumber, string field, string displayName)
    {
        if (!row.Value.TryGetPropertyValue(field, out JsonNode? node))
        {
            throw new StepFailedException(
                $"{displayName}:{row.LineNumber}: row {rowNumber} has no field '{field}' (it has: {string.Join(", ", row.Value.Select(p => p.Key))}).");
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            return value.GetValue<string>();
        }
        string kind = node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();
        throw new StepFailedException($"{displayName}:{row.LineNumber}: row {rowNumber}: field '{field}' is {kind}, not a string.");
    }
}

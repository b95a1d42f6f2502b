using System.Text.Json.Nodes;
using Experiments.Engine.Execution;
using Experiments.Steps.Data;
using Experiments.Training.Text;

namespace Experiments.Training.Evaluation;

/// <summary>One example to evaluate: its pairing id and the values of the fields the step reads.</summary>
internal sealed record EvaluationRow(string Id, string[] Fields);

/// <summary>
/// Reads the examples of a Data input: the id from <c>id_field</c> when the row has it (numbers as
/// their JSON text, so 17 and "17" pair), else the row's position from 0; and the named fields as
/// text, failing the step with the line and field when one is missing.
/// </summary>
internal static class EvaluationRows
{
    public static List<EvaluationRow> Read(StepContext context, string input, string idField, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        string display = JsonlDataset.InputDisplayName(input);
        var rows = new List<EvaluationRow>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonlRow row in JsonlDataset.Read(JsonlDataset.InputPath(context, input), display, cancellationToken))
        {
            string id = row.Value.TryGetPropertyValue(idField, out JsonNode? node) && node is not null
                ? JsonlDataset.ValueText(node)
                : rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!seen.TryAdd(id, row.LineNumber))
            {
                throw new StepFailedException($"{display}:{row.LineNumber}: id '{id}' was already used on line {seen[id]}; ids pair examples across runs, so they must be unique (set id_field to a unique field).");
            }
            rows.Add(new EvaluationRow(id, fields.Select(f => TrainingRows.Field(row, f, display)).ToArray()));
        }
        if (rows.Count == 0)
        {
            throw new StepFailedException($"{display} has no rows to evaluate.");
        }
        return rows;
    }
}

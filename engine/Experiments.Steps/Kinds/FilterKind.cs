using System.Text.Json.Nodes;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Steps.Data;

namespace Experiments.Steps.Kinds;

/// <summary>
/// <c>filter</c>: keeps the rows whose <c>field</c> matches exactly one condition: <c>equals</c>,
/// <c>in</c> or <c>not_in</c>. A value is compared by its string form
/// (<see cref="JsonlDataset.ValueText"/>: a string's text, otherwise its JSON, so <c>1</c> and
/// <c>"1"</c> both equal <c>"1"</c>, and <c>true</c> equals <c>"true"</c>). A row without the field
/// never matches, for <c>not_in</c> too; if no row at all has the field, the step fails (a typo).
/// Kept rows keep their input order.
/// </summary>
public sealed class FilterKind : StepKind
{
    private static readonly StepKindSchema s_schema = DataKindParams.Schema(
        "filter",
        "Keeps the rows whose field equals a value, is in a list, or is not in a list.",
        EquatableArray.Create(DataKindParams.DataInput),
        EquatableArray.Create(
            ParamSpec.String("field", "The field to test; rows without it are dropped."),
            ParamSpec.OptionalString("equals", "Keep rows whose field's value (as a string) equals this."),
            DataKindParams.StringList("in", "Keep rows whose field's value (as a string) is in this list.", null),
            DataKindParams.StringList("not_in", "Keep rows whose field's value (as a string) is not in this list.", null)),
        EquatableArray.Create(DataKindParams.Out));

    public override StepKindSchema Schema => s_schema;

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        string field = context.Params.GetString("field");
        Func<string, bool> matches = Condition(context.Params);
        string displayName = JsonlDataset.InputDisplayName("data");
        long input = 0;
        long missing = 0;
        IEnumerable<string>? fieldsSeen = null;
        using (JsonlWriter writer = JsonlWriter.Create(context, "out"))
        {
            foreach (JsonlRow row in JsonlDataset.Read(JsonlDataset.InputPath(context, "data"), displayName, cancellationToken))
            {
                input++;
                fieldsSeen ??= row.Value.Select(p => p.Key).ToArray();
                if (!row.Value.TryGetPropertyValue(field, out JsonNode? value))
                {
                    missing++;
                    continue;
                }
                if (matches(JsonlDataset.ValueText(value)))
                {
                    writer.Write(row.Value);
                }
            }
            if (input > 0 && missing == input)
            {
                throw new StepFailedException(
                    $"filter: no row of {displayName} has the field '{field}' (the first row has: {string.Join(", ", fieldsSeen!)}).");
            }
            context.Metric("rows", writer.Count);
        }
        context.Metric("input_rows", input);
        context.Metric("missing_field", missing);
        return Task.CompletedTask;
    }

    private static Func<string, bool> Condition(StepParameters parameters)
    {
        bool hasEquals = !parameters.IsNull("equals");
        bool hasIn = !parameters.IsNull("in");
        bool hasNotIn = !parameters.IsNull("not_in");
        if ((hasEquals ? 1 : 0) + (hasIn ? 1 : 0) + (hasNotIn ? 1 : 0) != 1)
        {
            throw new StepFailedException("filter: give exactly one of equals, in or not_in.");
        }
        if (hasEquals)
        {
            string expected = parameters.GetString("equals");
            return value => value == expected;
        }
        var set = new HashSet<string>(parameters.GetStringList(hasIn ? "in" : "not_in"), StringComparer.Ordinal);
        return hasIn ? set.Contains : value => !set.Contains(value);
    }
}

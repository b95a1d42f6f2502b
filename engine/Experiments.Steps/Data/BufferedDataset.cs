using System.Text.Json.Nodes;
using Experiments.Engine.Execution;

namespace Experiments.Steps.Data;

/// <summary>A row held in memory: its canonical bytes and, when stratifying, its stratum.</summary>
public sealed record BufferedRow(byte[] Bytes, string? Stratum);

/// <summary>
/// A Data input read whole, for kinds that reorder or partition rows (split, kfold, sample).
/// Rows keep their input order; strata are the string forms (<see cref="JsonlDataset.ValueText"/>)
/// of the stratify field, and a row without that field fails the step naming its line.
/// </summary>
public sealed class BufferedDataset
{
    private BufferedDataset(IReadOnlyList<BufferedRow> rows) => Rows = rows;

    public IReadOnlyList<BufferedRow> Rows { get; }

    public int Count => Rows.Count;

    public static BufferedDataset Load(StepContext context, string inputName, string? stratifyField, CancellationToken cancellationToken)
    {
        string displayName = JsonlDataset.InputDisplayName(inputName);
        var rows = new List<BufferedRow>();
        var serializer = new RowSerializer();
        foreach (JsonlRow row in JsonlDataset.Read(JsonlDataset.InputPath(context, inputName), displayName, cancellationToken))
        {
            string? stratum = null;
            if (stratifyField is not null)
            {
                if (!row.Value.TryGetPropertyValue(stratifyField, out JsonNode? value))
                {
                    string fields = string.Join(", ", row.Value.Select(p => p.Key));
                    throw new StepFailedException(
                        $"{displayName}:{row.LineNumber}: the row has no field '{stratifyField}' to stratify on (it has: {fields}).");
                }
                stratum = JsonlDataset.ValueText(value);
            }
            rows.Add(new BufferedRow(serializer.Serialize(row.Value).ToArray(), stratum));
        }
        return new BufferedDataset(rows);
    }

    /// <summary>
    /// The row indices of each stratum, strata in ordinal order of their values, indices ascending.
    /// Without stratification, one stratum holding every row.
    /// </summary>
    public IReadOnlyList<List<int>> Strata()
    {
        var groups = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < Rows.Count; i++)
        {
            string key = Rows[i].Stratum ?? string.Empty;
            if (!groups.TryGetValue(key, out List<int>? members))
            {
                members = [];
                groups.Add(key, members);
            }
            members.Add(i);
        }
        return groups.Values.ToList();
    }

    /// <summary>Writes the rows at <paramref name="indices"/>, in that order, to output <paramref name="outputName"/>.</summary>
    public long WriteRows(StepContext context, string outputName, IEnumerable<int> indices, CancellationToken cancellationToken)
    {
        using JsonlWriter writer = JsonlWriter.Create(context, outputName);
        foreach (int index in indices)
        {
            cancellationToken.ThrowIfCancellationRequested();
            writer.WriteCanonical(Rows[index].Bytes);
        }
        return writer.Count;
    }
}

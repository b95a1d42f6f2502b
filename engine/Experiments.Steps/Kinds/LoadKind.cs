using System.Text.Json.Nodes;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Steps.Data;

namespace Experiments.Steps.Kinds;

/// <summary>
/// <c>load</c>: reads a user's JSONL or CSV file into the canonical <c>data.jsonl</c>.
/// JSONL: one object per line, blank lines skipped, properties kept in file order.
/// CSV: a header line names the columns; see <see cref="CsvSource"/> for how cells are typed.
/// Errors name the file as the user wrote it and the line: <c>data/reviews.jsonl:7: invalid JSON: ...</c>.
/// </summary>
public sealed class LoadKind : StepKind
{
    private static readonly StepKindSchema s_schema = DataKindParams.Schema(
        "load",
        "Reads a JSONL or CSV file into a dataset.",
        EquatableArray<InputSpec>.Empty,
        EquatableArray.Create(
            ParamSpec.Path("path", "The file to read, relative to the experiment file."),
            ParamSpec.Choice("format", "File format; auto picks jsonl for .jsonl/.ndjson and csv for .csv.", "auto", "auto", "jsonl", "csv")),
        EquatableArray.Create(DataKindParams.Out));

    public override StepKindSchema Schema => s_schema;

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        SourceFile source = context.Source("path");
        string format = ResolveFormat(context.Params.GetString("format"), source.DisplayPath);
        context.Report(0, $"reading {source.DisplayPath}");
        using (JsonlWriter writer = JsonlWriter.Create(context, "out"))
        {
            if (format == "csv")
            {
                int columns = CsvSource.Copy(source, writer, cancellationToken);
                context.Metric("columns", columns);
            }
            else
            {
                foreach (JsonlRow row in JsonlDataset.Read(source.ContentPath, source.DisplayPath, cancellationToken))
                {
                    writer.Write(row.Value);
                }
            }
            context.Metric("rows", writer.Count);
        }
        context.Report(1, $"read {source.DisplayPath}");
        return Task.CompletedTask;
    }

    internal static string ResolveFormat(string format, string displayPath)
    {
        if (format != "auto")
        {
            return format;
        }
        string extension = Path.GetExtension(displayPath).ToLowerInvariant();
        return extension switch
        {
            ".jsonl" or ".ndjson" => "jsonl",
            ".csv" => "csv",
            _ => throw new StepFailedException(
                $"{displayPath}: cannot tell the format from the extension '{extension}'; set format: jsonl or format: csv."),
        };
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsvHelper;
using Experiments.Engine.Execution;
using Experiments.Steps.Data;

namespace Experiments.Steps.Kinds;

/// <summary>
/// Reads a CSV file with a header line (RFC 4180: comma separated, double-quoted fields may hold
/// commas, quotes and newlines; blank lines skipped). Typing is per column, decided from the whole
/// file: a column is numeric when it has at least one non-empty cell and every non-empty cell is a
/// JSON number literal (<c>12</c>, <c>-0.5</c>, <c>1e3</c>; not <c>007</c>, <c>+1</c> or <c> 1</c>);
/// its cells become JSON numbers and its empty cells <c>null</c>. Every other column keeps its
/// cells as strings, empty ones as <c>""</c>. Booleans are not inferred.
/// </summary>
internal static partial class CsvSource
{
    /// <summary>Copies the rows to <paramref name="writer"/>; returns the number of columns.</summary>
    public static int Copy(SourceFile source, JsonlWriter writer, CancellationToken cancellationToken)
    {
        string[] header = [];
        bool[] numeric = [];
        bool[] nonEmpty = [];
        bool first = true;
        foreach ((int _, string[] fields) in Records(source, cancellationToken))
        {
            if (first)
            {
                header = fields;
                numeric = Enumerable.Repeat(true, header.Length).ToArray();
                nonEmpty = new bool[header.Length];
                first = false;
                continue;
            }
            for (int c = 0; c < fields.Length; c++)
            {
                if (fields[c].Length > 0)
                {
                    nonEmpty[c] = true;
                    numeric[c] &= IsNumber(fields[c]);
                }
            }
        }
        for (int c = 0; c < numeric.Length; c++)
        {
            numeric[c] &= nonEmpty[c];
        }

        first = true;
        foreach ((int _, string[] fields) in Records(source, cancellationToken))
        {
            if (first)
            {
                first = false;
                continue;
            }
            var row = new JsonObject();
            for (int c = 0; c < header.Length; c++)
            {
                row[header[c]] = !numeric[c] ? JsonValue.Create(fields[c])
                    : fields[c].Length == 0 ? null
                    : JsonNode.Parse(fields[c]);
            }
            writer.Write(row);
        }
        return header.Length;
    }

    /// <summary>The header, then each record, with its line; checks the header and every field count.</summary>
    private static IEnumerable<(int Line, string[] Fields)> Records(SourceFile source, CancellationToken cancellationToken)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = false,
            Separator = ',',
            Mode = CsvMode.Rfc4180,
            SkipEmptyLines = true,
            TrimWhitespace = false,
            TrackLineNumbers = true,
            DetectSeparatorHint = false,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
        };
        using var stream = new FileStream(source.ContentPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        using CsvReader reader = CsvReader.Create(stream, options, false);
        string[]? header = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Read(reader, source))
            {
                break;
            }
            string[] fields = new string[reader.FieldCount];
            for (int i = 0; i < fields.Length; i++)
            {
                fields[i] = reader.GetString(i);
            }
            int line = checked((int)reader.LineNumber);
            if (header is null)
            {
                CheckHeader(fields, source, line);
                header = fields;
            }
            else if (fields.Length != header.Length)
            {
                throw new StepFailedException(
                    $"{source.DisplayPath}:{line}: expected {header.Length} fields ({string.Join(", ", header)}) but found {fields.Length}.");
            }
            yield return (line, fields);
        }
        if (header is null)
        {
            throw new StepFailedException($"{source.DisplayPath}: the CSV file is empty; it needs a header line naming the columns.");
        }
    }

    private static bool Read(CsvReader reader, SourceFile source)
    {
        try
        {
            return reader.Read();
        }
        catch (CsvFormatException e)
        {
            throw new StepFailedException($"{source.DisplayPath}:{e.LineNumber}: malformed CSV: {MalformedReason(e.Message)}.");
        }
        catch (DecoderFallbackException)
        {
            throw new StepFailedException($"{source.DisplayPath}: the file is not valid UTF-8.");
        }
    }

    /// <summary>CsvHelper says "Malformed CSV in record 2 (line 2): REASON (byte offset 10)."; keep REASON.</summary>
    private static string MalformedReason(string message)
    {
        int start = message.IndexOf("): ", StringComparison.Ordinal);
        int end = message.LastIndexOf(" (byte offset", StringComparison.Ordinal);
        return start >= 0 && end > start ? message[(start + 3)..end] : message.TrimEnd('.');
    }

    private static void CheckHeader(string[] header, SourceFile source, int line)
    {
        for (int c = 0; c < header.Length; c++)
        {
            if (header[c].Length == 0)
            {
                throw new StepFailedException($"{source.DisplayPath}:{line}: column {c + 1} of the header has no name.");
            }
            if (Array.IndexOf(header, header[c]) != c)
            {
                throw new StepFailedException($"{source.DisplayPath}:{line}: column '{header[c]}' appears twice in the header.");
            }
        }
    }

    internal static bool IsNumber(string text) =>
        JsonNumber().IsMatch(text) && double.IsFinite(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();
}

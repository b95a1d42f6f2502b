using System.Text.Json.Nodes;
using Experiments.Engine.Execution;

namespace Experiments.Steps.Data;

/// <summary>
/// Writes the <c>data.jsonl</c> of one Data output, row by row, in the canonical form of
/// <see cref="JsonlDataset"/>: each row on its own line ending in <c>\n</c>, UTF-8 without BOM.
/// </summary>
public sealed class JsonlWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly RowSerializer _serializer = new();

    public JsonlWriter(string directory)
    {
        Path = System.IO.Path.Combine(directory, JsonlDataset.FileName);
        _stream = new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>How many rows have been written.</summary>
    public long Count { get; private set; }

    /// <summary>Opens the writer of output <paramref name="outputName"/> of the running step.</summary>
    public static JsonlWriter Create(StepContext context, string outputName) => new(context.OutputDirectory(outputName));

    public void Write(JsonObject row) => WriteLine(_serializer.Serialize(row));

    /// <summary>Writes a row already in canonical form (<see cref="JsonlDataset.ToBytes"/>).</summary>
    public void WriteCanonical(ReadOnlySpan<byte> row) => WriteLine(row);

    public void Dispose()
    {
        _serializer.Dispose();
        _stream.Dispose();
    }

    private void WriteLine(ReadOnlySpan<byte> row)
    {
        _stream.Write(row);
        _stream.WriteByte((byte)'\n');
        Count++;
    }
}

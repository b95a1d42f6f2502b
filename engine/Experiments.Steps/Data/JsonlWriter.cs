using System.Buffers;
using System.Text.Json;
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
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;

    public JsonlWriter(string directory)
    {
        Path = System.IO.Path.Combine(directory, JsonlDataset.FileName);
        _stream = new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        _json = new Utf8JsonWriter(_buffer, JsonlDataset.WriterOptions);
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>How many rows have been written.</summary>
    public long Count { get; private set; }

    /// <summary>Opens the writer of output <paramref name="outputName"/> of the running step.</summary>
    public static JsonlWriter Create(StepContext context, string outputName) => new(context.OutputDirectory(outputName));

    public void Write(JsonObject row)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        JsonlDataset.WriteNode(_json, row);
        _json.Flush();
        WriteLine(_buffer.WrittenSpan);
    }

    /// <summary>Writes a row already in canonical form (<see cref="JsonlDataset.ToBytes"/>).</summary>
    public void WriteCanonical(ReadOnlySpan<byte> row) => WriteLine(row);

    public void Dispose()
    {
        _json.Dispose();
        _stream.Dispose();
    }

    private void WriteLine(ReadOnlySpan<byte> row)
    {
        _stream.Write(row);
        _stream.WriteByte((byte)'\n');
        Count++;
    }
}

using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Experiments.Steps.Data;

/// <summary>Serialises rows to canonical bytes (<see cref="JsonlDataset.WriteNode"/>), reusing one buffer.</summary>
internal sealed class RowSerializer : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;

    public RowSerializer() => _json = new Utf8JsonWriter(_buffer, JsonlDataset.WriterOptions);

    /// <summary>The row's bytes, valid until the next call.</summary>
    public ReadOnlySpan<byte> Serialize(JsonObject row)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        JsonlDataset.WriteNode(_json, row);
        _json.Flush();
        return _buffer.WrittenSpan;
    }

    public void Dispose() => _json.Dispose();
}

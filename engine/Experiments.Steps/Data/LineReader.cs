namespace Experiments.Steps.Data;

/// <summary>
/// Splits a stream into lines of raw bytes at <c>\n</c>, without decoding them, so a bad byte
/// is reported against its own line. A trailing <c>\r</c> and a leading UTF-8 BOM are left for
/// the caller to ignore (JSON treats <c>\r</c> as whitespace).
/// </summary>
internal sealed class LineReader(Stream stream)
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private int _lineStart;
    private int _lineEnd;
    private bool _eof;

    /// <summary>Moves to the next line; false at the end of the stream.</summary>
    public bool Next()
    {
        int searchFrom = _start;
        while (true)
        {
            int newline = _buffer.AsSpan(searchFrom, _end - searchFrom).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _lineStart = _start;
                _lineEnd = searchFrom + newline;
                _start = _lineEnd + 1;
                return true;
            }
            if (_eof)
            {
                if (_start == _end)
                {
                    return false;
                }
                _lineStart = _start;
                _lineEnd = _end;
                _start = _end;
                return true;
            }
            searchFrom = Fill();
        }
    }

    public ReadOnlySpan<byte> Current(bool skipBom)
    {
        ReadOnlySpan<byte> line = _buffer.AsSpan(_lineStart, _lineEnd - _lineStart);
        return skipBom && line.StartsWith(Bom) ? line[Bom.Length..] : line;
    }

    public bool IsBlank(bool skipBom) => Current(skipBom).Trim(" \t\r"u8).IsEmpty;

    /// <summary>Moves the unread bytes to the front, grows if a line fills the buffer, reads more; returns where to search on.</summary>
    private int Fill()
    {
        int pending = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
        }
        else if (pending == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        _start = 0;
        _end = pending;
        int read = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }
        _end += read;
        return pending;
    }
}

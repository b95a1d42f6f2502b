using System.Security.Cryptography;
using System.Text;

namespace Experiments.Engine.Keys;

/// <summary>SHA-256 digests as lower-case hex, the one digest format of keys and blobs.</summary>
public static class Hashing
{
    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Sha256Hex(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));

    /// <summary>Streams a file through SHA-256; returns its digest and size.</summary>
    public static (string Digest, long Size) HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        byte[] hash = SHA256.HashData(stream);
        return (Convert.ToHexStringLower(hash), stream.Length);
    }
}

namespace Experiments.Engine.Store;

/// <summary>
/// Writes that are never seen half-done: the bytes go to a temporary file in the store's
/// <c>tmp/</c> folder, which is then renamed over the target (rename is atomic on one filesystem).
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> bytes, string tempDirectory)
    {
        string temp = Path.Combine(tempDirectory, $"{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
        {
            stream.Write(bytes);
        }
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Move(temp, path, overwrite: true);
        }
    }
}

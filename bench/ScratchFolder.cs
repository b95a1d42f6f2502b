namespace Experiments.Bench;

/// <summary>Runs a suite's measurements in a fresh temporary folder that is deleted afterwards, however they end.</summary>
internal static class ScratchFolder
{
    public static async Task<int> RunInAsync(string prefix, Func<string, Task<int>> measure)
    {
        var work = Directory.CreateTempSubdirectory(prefix);
        try
        {
            return await measure(work.FullName);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}

namespace Experiments.Cli.Frontend;

/// <summary>
/// Where the store is: <c>--store</c>, else the <c>EXP_STORE</c> environment variable, else
/// <c>.exp/</c> beside the experiment file (or in the current folder when there is none).
/// </summary>
internal static class StoreLocation
{
    public const string EnvironmentVariable = "EXP_STORE";

    public static string Resolve(string? option, string? experimentFile)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return Path.GetFullPath(option);
        }
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }
        string directory = experimentFile is null
            ? Directory.GetCurrentDirectory()
            : Path.GetDirectoryName(Path.GetFullPath(experimentFile))!;
        return Path.Combine(directory, ".exp");
    }
}

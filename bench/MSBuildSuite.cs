using System.Globalization;

namespace Experiments.Bench;

/// <summary>
/// The `msbuild` suite (issue 5): what `dotnet build` of an up-to-date experiment project costs
/// beyond `dotnet build` of an empty <c>Microsoft.Build.NoTargets</c> project, in the same run.
/// Experiments.Sdk is packed from this clone into a private feed with a private NuGet packages
/// folder; both projects are warmed once, then built alternately (no node reuse, so every build
/// is a fresh process tree, as on CI).
/// </summary>
internal sealed class MSBuildSuite(bool quick)
{
    private const double ExtraTargetSeconds = 1.5;

    private readonly int _repeats = quick ? 3 : 7;
    private readonly List<KeyValuePair<string, object>> _figures = [];

    public async Task<int> RunAsync()
    {
        return await ScratchFolder.RunInAsync("exp-bench-msbuild-", MeasureAsync);
    }

    private async Task<int> MeasureAsync(string work)
    {
        var loadAtStart = EngineSuite.LoadAverage();
        var root = RepositoryRoot();
        var feed = Path.Combine(work, "feed");
        var packages = Path.Combine(work, "packages");
        Console.WriteLine($"msbuild suite{(quick ? " (--quick)" : "")}: packing Experiments.Sdk into {feed}");
        var pack = await Dotnet(root, null, ["pack", Path.Combine(root, "sdk", "Experiments.Sdk", "Experiments.Sdk.csproj"), "-c", "Release", "-o", feed, "-nologo"]);
        if (pack.ExitCode != 0)
        {
            Console.Error.WriteLine($"bench: packing Experiments.Sdk failed:\n{pack.Stdout}{pack.Stderr}");
            return 1;
        }

        File.WriteAllText(Path.Combine(work, "global.json"), """
            { "msbuild-sdks": { "Experiments.Sdk": "0.1.0", "Microsoft.Build.NoTargets": "3.7.0" } }
            """);
        File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="bench" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        var experiment = Path.Combine(work, "quickstart");
        Directory.CreateDirectory(experiment);
        File.Copy(Path.Combine(root, "experiments", "quickstart", "quickstart.exp"), Path.Combine(experiment, "quickstart.exp"));
        File.Copy(Path.Combine(root, "experiments", "quickstart", "quickstart.exproj"), Path.Combine(experiment, "quickstart.exproj"));
        var empty = Path.Combine(work, "empty");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "empty.csproj"), """
            <Project Sdk="Microsoft.Build.NoTargets">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
            </Project>
            """);
        string exproj = Path.Combine(experiment, "quickstart.exproj");
        string csproj = Path.Combine(empty, "empty.csproj");

        // Warm both: the first experiment build runs every step; the first empty build restores.
        foreach (var project in new[] { exproj, csproj })
        {
            var warm = await Build(work, packages, project);
            if (warm.ExitCode != 0)
            {
                Console.Error.WriteLine($"bench: the first build of {project} failed:\n{warm.Stdout}{warm.Stderr}");
                return 1;
            }
        }

        var upToDate = new List<double>();
        var emptyBuilds = new List<double>();
        for (var i = 0; i < _repeats; i++)
        {
            var experimentBuild = await Build(work, packages, exproj);
            if (experimentBuild.ExitCode != 0 || !experimentBuild.Stdout.Contains("quickstart: up to date", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"bench: the experiment was not up to date:\n{experimentBuild.Stdout}{experimentBuild.Stderr}");
                return 1;
            }
            upToDate.Add(experimentBuild.Seconds);
            var emptyBuild = await Build(work, packages, csproj);
            if (emptyBuild.ExitCode != 0)
            {
                Console.Error.WriteLine($"bench: the empty build failed:\n{emptyBuild.Stdout}{emptyBuild.Stderr}");
                return 1;
            }
            emptyBuilds.Add(emptyBuild.Seconds);
        }

        var uptodateSeconds = ProcessTimer.Median(upToDate);
        var emptySeconds = ProcessTimer.Median(emptyBuilds);
        var extra = uptodateSeconds - emptySeconds;
        Add("uptodate_build_seconds", uptodateSeconds);
        Add("empty_build_seconds", emptySeconds);
        Add("extra_seconds", extra);
        Add("extra_target_seconds", ExtraTargetSeconds);
        Add("repeats", _repeats);
        if (loadAtStart is { } start && EngineSuite.LoadAverage() is { } end)
        {
            Add("load_average_1m_start", start);
            Add("load_average_1m_end", end);
        }
        Add("quick", quick);
        Add("machine", $"{Environment.ProcessorCount} cores");
        Add("date", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));

        var path = ResultsFile.Write("msbuild", _figures);
        Console.WriteLine($"  up-to-date experiment build  {Format(uptodateSeconds)} s (median of {_repeats})");
        Console.WriteLine($"  empty NoTargets build        {Format(emptySeconds)} s");
        Console.WriteLine($"  extra                        {Format(extra)} s (target at most {Format(ExtraTargetSeconds)} s)");
        Console.WriteLine($"wrote {path}");
        return extra <= ExtraTargetSeconds ? 0 : 1;
    }

    private static Task<ProcessRun> Build(string work, string packages, string project) =>
        Dotnet(work, packages, ["build", project, "-nologo", "-tl:off", "-nodeReuse:false"]);

    /// <summary>With <paramref name="packages"/> null the usual packages folder is used (the pack restores the repository's dependencies).</summary>
    private static Task<ProcessRun> Dotnet(string directory, string? packages, IEnumerable<string> arguments)
    {
        Environment.SetEnvironmentVariable("NUGET_PACKAGES", packages);
        Environment.SetEnvironmentVariable("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
        Environment.SetEnvironmentVariable("DOTNET_NOLOGO", "1");
        return ProcessTimer.RunAsync("dotnet", arguments, directory);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Experiments.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("bench: no Experiments.sln above the bench binary.");
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private void Add(string key, object value) => _figures.Add(new(key, value));
}

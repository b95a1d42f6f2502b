using System.Diagnostics;
using System.Text;
using Experiments.EndToEnd.Tests.Support;

namespace Experiments.EndToEnd.Tests.MSBuild;

/// <summary>The result of one real `dotnet build` process.</summary>
public sealed record BuildResult(int ExitCode, string Output)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}";
}

/// <summary>
/// Packs Experiments.Sdk from this clone once into a private feed, with a private NuGet packages
/// folder (the same version is never re-extracted from a shared one), and runs real
/// `dotnet build` processes on experiment projects copied into temp folders that resolve the SDK
/// from that feed, exactly as a user outside the repository would.
/// </summary>
public sealed class SdkFixture : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("exp-sdk-").FullName;

    public string Feed => Path.Combine(Root, "feed");

    public string Packages => Path.Combine(Root, "packages");

    public async Task InitializeAsync()
    {
        string project = Path.Combine(Workspace.RepositoryRoot, "sdk", "Experiments.Sdk", "Experiments.Sdk.csproj");
        // The pack restores the repository's own dependencies from the usual packages folder.
        BuildResult pack = await DotnetAsync(Workspace.RepositoryRoot, ["pack", project, "-o", Feed, "-p:PackageOutputPath=" + Feed], privatePackages: false);
        if (pack.ExitCode != 0 || !File.Exists(Path.Combine(Feed, "Experiments.Sdk.0.1.0.nupkg")))
        {
            throw new InvalidOperationException($"packing Experiments.Sdk failed:\n{pack}");
        }
    }

    public Task DisposeAsync()
    {
        // The feed and the private packages folder (the workspaces stay, like the other e2e tests').
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return Task.CompletedTask;
    }

    /// <summary>A folder that resolves Experiments.Sdk 0.1.0 from the private feed, holding a copy of experiments/.</summary>
    public string NewWorkspace()
    {
        string root = Directory.CreateTempSubdirectory("exp-msbuild-").FullName;
        File.WriteAllText(Path.Combine(root, "global.json"), """
            { "sdk": { "version": "10.0.100", "rollForward": "latestFeature" }, "msbuild-sdks": { "Experiments.Sdk": "0.1.0" } }
            """);
        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="test" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        string source = Path.Combine(Workspace.RepositoryRoot, "experiments");
        foreach (string path in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, path);
            string[] parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Any(p => p is ".exp" or "bin" or "obj"))
            {
                continue;
            }
            string target = Path.Combine(root, "experiments", relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(path, target);
        }
        return root;
    }

    public Task<BuildResult> BuildAsync(string workingDirectory, params string[] args) =>
        DotnetAsync(workingDirectory, ["build", .. args, "-nologo", "-tl:off", "-nodeReuse:false", "-v:m"], privatePackages: true);

    private async Task<BuildResult> DotnetAsync(string workingDirectory, IEnumerable<string> args, bool privatePackages)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        if (privatePackages)
        {
            // Experiments.Sdk 0.1.0 is extracted here, fresh for every test run.
            info.Environment["NUGET_PACKAGES"] = Packages;
        }
        info.Environment.Remove("EXP_STORE");
        // The test host's own MSBuild settings must not leak into the child build.
        foreach (string name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath" })
        {
            info.Environment.Remove(name);
        }
        // A guard against a hung build, not a speed test: since training landed the package carries
        // libtorch (about 150 MB); packing took 80 s alone and over 4 minutes beside the other test
        // assemblies on 2 loaded cores.
        (int exitCode, string output, string error) = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(10));
        return new BuildResult(exitCode, output + error);
    }
}

using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using TorchSharp;

namespace Experiments.Training.Native;

/// <summary>
/// Loads TorchSharp's native library before the first <c>torch</c> call. Where the system's libstdc++
/// is too old for the prebuilt <c>libLibTorchSharp.so</c> (Debian 12), it loads a copy whose missing
/// symbol-version requirements are marked weak; the NuGet cache is never modified. Anything else
/// that stops the library from loading becomes a <see cref="TorchRuntimeException"/> naming the cause.
/// </summary>
public static partial class TorchRuntime
{
    private const string LibraryName = "LibTorchSharp";
    private const string LibraryFile = "libLibTorchSharp.so";

    private static readonly Lazy<string> s_loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static IntPtr s_handle;

    /// <summary>How the native library was loaded: "as shipped" or "patched copy at PATH (weak: …)".</summary>
    public static string LoadNote => s_loaded.Value;

    /// <summary>The TorchSharp package version this build uses (part of every training key).</summary>
    public static string TorchSharpVersion { get; } =
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    /// <summary>The native backend package this build references (e.g. libtorch-cpu-linux-x64/2.10.0).</summary>
    public static string BackendPackage { get; } =
        typeof(TorchRuntime).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TorchBackendPackage")?.Value ?? "unknown";

    /// <summary>Whether this build carries a CUDA backend at all (<c>-p:TorchBackend=cuda</c>).</summary>
    public static bool CudaBuild => BackendPackage.Contains("cuda", StringComparison.Ordinal);

    /// <summary>Makes sure the native library is loaded; cheap after the first call.</summary>
    public static void EnsureLoaded() => _ = s_loaded.Value;

    private static string Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            // Elsewhere TorchSharp's own loader is right; the GLIBCXX mismatch is a Linux matter.
            return "as shipped";
        }
        string original = FindLibrary()
            ?? throw new TorchRuntimeException(
                $"{LibraryFile} was not found next to TorchSharp or in the application's native search folders. " +
                "Restore the solution again (dotnet restore); the libtorch backend package may be missing.");

        string note;
        if (TryLoad(original, out s_handle, out string? error))
        {
            note = "as shipped";
        }
        else
        {
            var missing = MissingVersions(error).ToHashSet(StringComparer.Ordinal);
            if (missing.Count == 0)
            {
                throw new TorchRuntimeException($"TorchSharp's native library {original} could not be loaded: {error}");
            }
            string patched = PatchedCopy(original, missing);
            if (!TryLoad(patched, out s_handle, out string? patchedError))
            {
                throw new TorchRuntimeException(
                    $"TorchSharp's native library needs {string.Join(", ", missing)}, which this system's libstdc++ lacks; " +
                    $"a copy with those requirements marked weak ({patched}) still failed to load: {patchedError}");
            }
            note = $"patched copy at {patched} (weak: {string.Join(", ", missing.Order(StringComparer.Ordinal))})";
        }

        NativeLibrary.SetDllImportResolver(typeof(torch).Assembly, (name, _, _) =>
            name == LibraryName ? s_handle : IntPtr.Zero);
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception exception) when (exception is NotSupportedException or InvalidOperationException or DllNotFoundException)
        {
            throw new TorchRuntimeException($"TorchSharp's native backend did not initialise: {FirstLine(exception.Message)}");
        }
        return note;
    }

    private static bool TryLoad(string path, out IntPtr handle, out string? error)
    {
        try
        {
            handle = NativeLibrary.Load(path);
            error = null;
            return true;
        }
        catch (DllNotFoundException exception)
        {
            handle = IntPtr.Zero;
            error = exception.Message;
            return false;
        }
    }

    /// <summary>The symbol versions a failed <c>dlopen</c> names, e.g. <c>version `GLIBCXX_3.4.32' not found</c>.</summary>
    internal static IEnumerable<string> MissingVersions(string? loaderError) =>
        loaderError is null ? [] : MissingVersionPattern().Matches(loaderError).Select(m => m.Groups[1].Value).Distinct();

    [GeneratedRegex(@"version [`']([A-Za-z0-9_.]+)' not found")]
    private static partial Regex MissingVersionPattern();

    private static string? FindLibrary()
    {
        var folders = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirectories)
        {
            folders.AddRange(searchDirectories.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }
        string torchFolder = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;
        folders.Add(torchFolder);
        folders.Add(Path.Combine(torchFolder, "runtimes", "linux-x64", "native"));
        return folders.Select(f => Path.Combine(f, LibraryFile)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// A patched copy of the library in a per-user cache folder keyed by the original's digest, with
    /// links to its sibling libraries so <c>$ORIGIN</c> lookups still find libtorch. Written to a
    /// temporary name and renamed, so concurrent processes never load a half-written copy.
    /// </summary>
    private static string PatchedCopy(string original, IReadOnlySet<string> missing)
    {
        byte[] bytes = File.ReadAllBytes(original);
        string digest = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        string folder = Path.Combine(CacheRoot(), $"{digest}-{string.Join("-", missing.Order(StringComparer.Ordinal))}");
        Directory.CreateDirectory(folder);
        string sourceFolder = Path.GetDirectoryName(original)!;
        foreach (string sibling in Directory.EnumerateFiles(sourceFolder, "*.so*"))
        {
            string link = Path.Combine(folder, Path.GetFileName(sibling));
            if (Path.GetFileName(sibling) != LibraryFile && !File.Exists(link))
            {
                try
                {
                    File.CreateSymbolicLink(link, sibling);
                }
                catch (IOException)
                {
                    // Another process made it first.
                }
            }
        }
        string target = Path.Combine(folder, LibraryFile);
        if (!File.Exists(target))
        {
            IReadOnlyList<string> marked = ElfVersionPatcher.MarkWeak(bytes, missing);
            if (marked.Count == 0)
            {
                throw new TorchRuntimeException(
                    $"TorchSharp's native library {original} needs {string.Join(", ", missing)}, which this system's libstdc++ lacks, " +
                    "and the requirement could not be found in the library to relax it. Install a newer libstdc++ (GCC 13 or later).");
            }
            string temp = $"{target}.{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, target, overwrite: true);
        }
        return target;
    }

    private static string CacheRoot()
    {
        string? configured = Environment.GetEnvironmentVariable("EXP_NATIVE_CACHE");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "experiments", "native");
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}

/// <summary>The native runtime could not be made to work; the message says why and what to do.</summary>
public sealed class TorchRuntimeException(string message) : Exception(message);

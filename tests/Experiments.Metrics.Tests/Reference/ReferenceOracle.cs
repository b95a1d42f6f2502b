using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Experiments.Metrics.Tests.Reference;

/// <summary>
/// Runs Reference/reference.py under Debian's /usr/bin/python3 (scikit-learn, NLTK, SciPy from
/// apt: python3-sklearn, python3-nltk, python3-scipy) on a batch of cases: one process per test
/// class, JSON in and out. When the interpreter or a module is missing the agreement tests are
/// skipped with the reason, unless EXP_REQUIRE_REFERENCE=1 (set by .ci/run, which installs them),
/// where a missing reference is a failure: CI must never pass by skipping.
/// </summary>
public sealed class ReferenceOracle
{
    public const string Python = "/usr/bin/python3";

    private readonly string? _unavailable;
    private readonly JsonArray? _results;

    private ReferenceOracle(string? unavailable, JsonArray? results)
    {
        _unavailable = unavailable;
        _results = results;
    }

    public static bool Required => Environment.GetEnvironmentVariable("EXP_REQUIRE_REFERENCE") == "1";

    /// <summary>Runs every case at once; cases are JSON objects with an "op" and its arguments.</summary>
    public static ReferenceOracle Run(IReadOnlyList<object> cases, params string[] modules)
    {
        string? missing = Missing(modules);
        if (missing is not null)
        {
            return new ReferenceOracle(missing, null);
        }
        string script = Path.Combine(AppContext.BaseDirectory, "Reference", "reference.py");
        var start = new ProcessStartInfo(Python, [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(JsonSerializer.Serialize(new { cases }));
        process.StandardInput.Close();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"reference.py exited {process.ExitCode}:\n{stderr.Result}");
        }
        JsonArray results = JsonNode.Parse(stdout.Result)!["results"]!.AsArray();
        if (results.Count != cases.Count)
        {
            throw new InvalidOperationException($"reference.py answered {results.Count} of {cases.Count} cases");
        }
        return new ReferenceOracle(null, results);
    }

    /// <summary>Skips the calling test (or fails it under EXP_REQUIRE_REFERENCE=1) when the reference is missing.</summary>
    public void RequireAvailable()
    {
        if (_unavailable is null)
        {
            return;
        }
        if (Required)
        {
            throw new InvalidOperationException($"EXP_REQUIRE_REFERENCE=1 but {_unavailable}");
        }
        Skip.If(true, _unavailable + " (apt-get install python3-sklearn python3-nltk python3-scipy to run the agreement tests)");
    }

    public JsonNode Result(int index)
    {
        RequireAvailable();
        JsonNode node = _results![index]!;
        if (node is JsonObject error && error.ContainsKey("error"))
        {
            throw new InvalidOperationException($"reference case {index} failed: {error["error"]}");
        }
        return node;
    }

    public double Number(int index) => Result(index).GetValue<double>();

    public double[] Numbers(int index) => Result(index).AsArray().Select(n => n!.GetValue<double>()).ToArray();

    private static string? Missing(string[] modules)
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is not installed";
        }
        var start = new ProcessStartInfo(Python, ["-c", string.Join("; ", modules.Select(m => "import " + m))])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"{Python} lacks {string.Join(", ", modules)}: {error.Trim().Split('\n').LastOrDefault()}";
    }
}

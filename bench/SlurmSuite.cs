using System.Globalization;
using System.Text;

namespace Experiments.Bench;

/// <summary>
/// The `slurm` suite (issue 7): wall time of the same trivial steps run through Slurm
/// (`exp run --executor slurm`, one sbatch job per step) and locally (`exp run`), each on a fresh
/// store, in the same run, alternating. The difference per step is the executor's overhead: job
/// submission, Slurm's scheduling tick per dependency level, and one `exp` start per job. Needs a
/// Slurm cluster whose nodes share this machine's filesystem (`sudo .ci/slurm-up.sh`).
/// </summary>
internal sealed class SlurmSuite(bool quick)
{
    private readonly int _variants = quick ? 5 : 25;
    private readonly int _repeats = quick ? 1 : 3;
    private readonly List<KeyValuePair<string, object>> _figures = [];

    public async Task<int> RunAsync()
    {
        if (ProcessTimer.FindOnPath("sbatch") is null)
        {
            Console.Error.WriteLine("bench: the slurm suite needs Slurm (no `sbatch` on PATH); bring up a one-node cluster with `sudo .ci/slurm-up.sh`.");
            return 2;
        }
        return await ScratchFolder.RunInAsync("exp-bench-slurm-", MeasureAsync);
    }

    private async Task<int> MeasureAsync(string work)
    {
        var loadAtStart = EngineSuite.LoadAverage();
        var exp = Path.Combine(AppContext.BaseDirectory, "exp.dll");
        var file = Path.Combine(work, "trivial.exp");
        File.WriteAllText(file, Experiment(_variants));
        int steps = 2 * _variants;
        Console.WriteLine($"slurm suite{(quick ? " (--quick)" : "")}: {steps} trivial steps in 2 dependency levels, {_repeats} run(s) each way");

        var slurm = new List<double>();
        var local = new List<double>();
        var cached = new List<double>();
        for (int i = 0; i < _repeats; i++)
        {
            string slurmStore = Path.Combine(work, $"slurm-{i}");
            var run = await ProcessTimer.RunAsync("dotnet", [exp, "run", file, "--store", slurmStore, "--executor", "slurm"], work);
            if (!Succeeded(run, steps, "ran"))
            {
                return 1;
            }
            slurm.Add(run.Seconds);
            // A second run through Slurm finds everything cached and submits nothing.
            var again = await ProcessTimer.RunAsync("dotnet", [exp, "run", file, "--store", slurmStore, "--executor", "slurm"], work);
            if (!Succeeded(again, steps, "cached"))
            {
                return 1;
            }
            cached.Add(again.Seconds);
            var plain = await ProcessTimer.RunAsync("dotnet", [exp, "run", file, "--store", Path.Combine(work, $"local-{i}")], work);
            if (!Succeeded(plain, steps, "ran"))
            {
                return 1;
            }
            local.Add(plain.Seconds);
            Console.WriteLine($"  run {i + 1}: slurm {run.Seconds:F2} s, local {plain.Seconds:F2} s, slurm all cached {again.Seconds:F2} s");
        }

        double slurmSeconds = ProcessTimer.Median(slurm);
        double localSeconds = ProcessTimer.Median(local);
        Add("steps", steps);
        Add("dependency_levels", 2);
        Add("slurm_seconds", slurmSeconds);
        Add("local_seconds", localSeconds);
        Add("overhead_seconds_per_step", (slurmSeconds - localSeconds) / steps);
        Add("slurm_to_local_ratio", slurmSeconds / localSeconds);
        Add("slurm_cached_run_seconds", ProcessTimer.Median(cached));
        Add("repeats", _repeats);
        if (loadAtStart is { } start && EngineSuite.LoadAverage() is { } end)
        {
            Add("load_average_1m_start", start);
            Add("load_average_1m_end", end);
        }
        Add("quick", quick);
        Add("machine", $"{Environment.ProcessorCount} cores; one-node Slurm cluster on the same machine (.ci/slurm-up.sh)");
        Add("date", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        Console.WriteLine($"wrote {ResultsFile.Write("slurm", _figures)}");
        return 0;
    }

    /// <summary>N generators and N samples of them: 2N steps, two dependency levels, milliseconds of work each.</summary>
    internal static string Experiment(int variants)
    {
        var sizes = string.Join(", ", Enumerable.Range(10, variants).Select(n => n.ToString(CultureInfo.InvariantCulture)));
        return new StringBuilder()
            .AppendLine("experiment trivial {")
            .AppendLine("  seed 1")
            .AppendLine($"  data problems = generate.arithmetic(examples: sweep[{sizes}])")
            .AppendLine("  data half     = sample(problems, fraction: 0.5)")
            .AppendLine("}")
            .ToString();
    }

    private static bool Succeeded(ProcessRun run, int steps, string status)
    {
        string expected = status == "ran" ? $"{steps} ran, 0 cached" : $"0 ran, {steps} cached";
        if (run.ExitCode == 0 && run.Stdout.Contains(expected, StringComparison.Ordinal))
        {
            return true;
        }
        Console.Error.WriteLine($"bench: expected `{expected}`, got exit {run.ExitCode}:\n{run.Stdout}{run.Stderr}");
        return false;
    }

    private void Add(string key, object value)
    {
        _figures.Add(new(key, value));
        Console.WriteLine($"  {key} = {value}");
    }
}

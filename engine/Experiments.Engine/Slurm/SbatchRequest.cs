using System.Globalization;
using System.Text;
using Experiments.Engine.Kinds;

namespace Experiments.Engine.Slurm;

/// <summary>
/// One job to submit: everything <c>sbatch</c> gets. The batch script only runs
/// <c>exp step run RECIPE --store PATH</c>; resources come from the step kind's slots.
/// </summary>
public sealed record SbatchRequest(
    string JobName,
    string Comment,
    string OutputPath,
    ResourceSlots Slots,
    IReadOnlyList<string> AfterOk,
    IReadOnlyList<string> Command)
{
    /// <summary>The arguments of <c>sbatch</c> (the script goes to its standard input).</summary>
    public IReadOnlyList<string> Arguments(SlurmOptions options)
    {
        var args = new List<string>
        {
            "--parsable",
            "--job-name=" + JobName,
            "--comment=" + Comment,
            "--output=" + OutputPath,
            "--cpus-per-task=" + Math.Max(1, Slots.Cpu).ToString(CultureInfo.InvariantCulture),
        };
        if (Slots.MemoryMb > 0)
        {
            args.Add("--mem=" + Slots.MemoryMb.ToString(CultureInfo.InvariantCulture) + "M");
        }
        if (Slots.Gpu > 0)
        {
            args.Add("--gres=gpu:" + Slots.Gpu.ToString(CultureInfo.InvariantCulture));
        }
        if (AfterOk.Count > 0)
        {
            args.Add("--dependency=afterok:" + string.Join(':', AfterOk));
        }
        // Without it a job whose upstream failed would wait forever (DependencyNeverSatisfied).
        args.Add("--kill-on-invalid-dep=yes");
        if (options.Partition is { } partition)
        {
            args.Add("--partition=" + partition);
        }
        if (options.Account is { } account)
        {
            args.Add("--account=" + account);
        }
        if (options.Time is { } time)
        {
            args.Add("--time=" + time);
        }
        args.AddRange(options.ExtraArgs);
        return args;
    }

    /// <summary>The batch script: <c>exec</c> so the job's exit code is exp's and scancel's signal reaches it.</summary>
    public string Script()
    {
        var script = new StringBuilder("#!/bin/sh\n");
        script.Append("exec");
        foreach (string word in Command)
        {
            script.Append(' ').Append(ShellQuote(word));
        }
        return script.Append('\n').ToString();
    }

    internal static string ShellQuote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Experiments.Tasks;

/// <summary>
/// Runs (or explains) an experiment with the <c>exp</c> CLI in its own process, so the engine and
/// its native libraries never load into an MSBuild node. An experiment written as items is first
/// written to <see cref="ItemsFile"/> (with each item's position in its project file). Progress is
/// logged at high importance; the CLI's canonical diagnostics (<c>file(line,col): error EXP1234: ...</c>)
/// become MSBuild errors with code, file, line and column. Cancelling the build kills the process
/// (the store is crash-safe). Global properties <c>Param_NAME=value</c> become <c>-p NAME=value</c>.
/// </summary>
public sealed partial class RunExperiment : ToolTask
{
    private const string ParamPrefix = "Param_";

    /// <summary><c>run</c> or <c>status</c>.</summary>
    [Required]
    public string Command { get; set; } = "run";

    /// <summary>The path of <c>exp.dll</c>.</summary>
    [Required]
    public string ExpAssembly { get; set; } = string.Empty;

    /// <summary>The experiment project (<c>$(MSBuildProjectFullPath)</c>): paths in items are relative to it.</summary>
    public string? ProjectFile { get; set; }

    /// <summary>A DSL file (<c>*.exp</c>); when empty the experiment is read from the items.</summary>
    public string? ExperimentFile { get; set; }

    /// <summary>Where the items file goes (under the intermediate output path).</summary>
    public string? ItemsFile { get; set; }

    /// <summary>The experiment's name when written as items (default: the project's name).</summary>
    public string? ExperimentName { get; set; }

    public string? Seed { get; set; }

    public ITaskItem[] Steps { get; set; } = [];

    public ITaskItem[] Params { get; set; } = [];

    public ITaskItem[] Gates { get; set; } = [];

    /// <summary><c>&lt;Sweep Include="random" N="8" /&gt;</c>: run a seeded sample of the variants (<c>sweep random(8)</c>).</summary>
    public ITaskItem[] Sweeps { get; set; } = [];

    /// <summary>Extra overrides, <c>name=value</c> each (in addition to the <c>Param_*</c> global properties).</summary>
    public ITaskItem[] Overrides { get; set; } = [];

    public string? Jobs { get; set; }

    public string? Store { get; set; }

    /// <summary>`exp run --executor`: local (default) or slurm (one sbatch job per step).</summary>
    public string? Executor { get; set; }

    public string? SlurmPartition { get; set; }

    public string? SlurmAccount { get; set; }

    public string? SlurmTime { get; set; }

    /// <summary>Extra sbatch arguments, one per item (`--slurm-arg` each).</summary>
    public string[] SlurmArgs { get; set; } = [];

    /// <summary>Evaluate the experiment's gates after a successful run (<c>-p:Gate=false</c> passes <c>--no-gates</c>).</summary>
    public bool RunGates { get; set; } = true;

    /// <summary>Where `exp run --gate-summary` writes the gates' Markdown table.</summary>
    public string? GateSummary { get; set; }

    /// <summary>`exp run --strict`: refuse to run with modified tracked files.</summary>
    public bool Strict { get; set; }

    protected override string ToolName => "dotnet";

    /// <summary>Progress lines are the point of a build that runs an experiment: show them at minimal verbosity.</summary>
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.High;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.High;

    private string? _file;

    /// <summary>The project, not the file that holds the task's element (that is Sdk.targets).</summary>
    private string Project => string.IsNullOrWhiteSpace(ProjectFile) ? BuildEngine.ProjectFileOfTaskNode : Path.GetFullPath(ProjectFile);

    public override bool Execute()
    {
        if (!string.Equals(Command, "run", StringComparison.Ordinal) && !string.Equals(Command, "status", StringComparison.Ordinal))
        {
            Log.LogError(null, "EXP0001", null, Project, 0, 0, 0, 0, $"RunExperiment: unknown command `{Command}` (use run or status).");
            return false;
        }
        if (!string.IsNullOrWhiteSpace(ExperimentFile))
        {
            _file = Path.GetFullPath(ExperimentFile);
        }
        else
        {
            if (Steps.Length == 0)
            {
                Log.LogError(null, "EXP0002", null, Project, 0, 0, 0, 0,
                    "this experiment project has no <ExperimentFile> and no <Step> items: nothing to run.");
                return false;
            }
            string projectFile = Project;
            string itemsFile = Path.GetFullPath(string.IsNullOrWhiteSpace(ItemsFile)
                ? Path.Combine(Path.GetDirectoryName(projectFile) ?? ".", "obj", "experiment.items.json")
                : ItemsFile);
            string name = string.IsNullOrWhiteSpace(ExperimentName) ? Path.GetFileNameWithoutExtension(projectFile) : ExperimentName!;
            string json = ItemsWriter.Write(projectFile, name, Seed, Steps, Params, Gates, Sweeps);
            Directory.CreateDirectory(Path.GetDirectoryName(itemsFile)!);
            // Rewrite only on change, so the file's timestamp means something to whoever looks.
            if (!File.Exists(itemsFile) || File.ReadAllText(itemsFile) != json)
            {
                File.WriteAllText(itemsFile, json);
            }
            _file = itemsFile;
        }
        return base.Execute();
    }

    protected override string GenerateFullPathToTool()
    {
        // The dotnet CLI tells MSBuild (and so its tasks) which host runs it.
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }
        string executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(folder, executable);
            if (folder.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }
        return executable;
    }

    protected override bool ValidateParameters()
    {
        if (!File.Exists(ExpAssembly))
        {
            Log.LogError(null, "EXP0003", null, Project, 0, 0, 0, 0, $"the exp CLI is not at `{ExpAssembly}`.");
            return false;
        }
        return base.ValidateParameters();
    }

    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        builder.AppendFileNameIfNotNull(Path.GetFullPath(ExpAssembly));
        builder.AppendSwitch(Command);
        builder.AppendFileNameIfNotNull(_file);
        foreach (string @override in CollectOverrides())
        {
            builder.AppendSwitchIfNotNull("-p ", @override);
        }
        if (string.Equals(Command, "run", StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(Jobs))
        {
            builder.AppendSwitchIfNotNull("--jobs ", Jobs);
        }
        if (!string.IsNullOrWhiteSpace(Store))
        {
            builder.AppendSwitchIfNotNull("--store ", Path.GetFullPath(Store));
        }
        if (string.Equals(Command, "run", StringComparison.Ordinal))
        {
            if (!RunGates)
            {
                builder.AppendSwitch("--no-gates");
            }
            if (Strict)
            {
                builder.AppendSwitch("--strict");
            }
            AppendIfSet(builder, "--gate-summary ", string.IsNullOrWhiteSpace(GateSummary) ? null : Path.GetFullPath(GateSummary));
        }
        if (string.Equals(Command, "run", StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(Executor))
        {
            builder.AppendSwitchIfNotNull("--executor ", Executor);
            AppendIfSet(builder, "--partition ", SlurmPartition);
            AppendIfSet(builder, "--account ", SlurmAccount);
            AppendIfSet(builder, "--time ", SlurmTime);
            foreach (string arg in SlurmArgs.Where(a => !string.IsNullOrWhiteSpace(a)))
            {
                // One token with `=`, so an argument that starts with `--` is not read as an option of exp.
                builder.AppendSwitchIfNotNull("--slurm-arg=", arg);
            }
        }
        return builder.ToString();
    }

    private static void AppendIfSet(CommandLineBuilder builder, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            builder.AppendSwitchIfNotNull(name, value);
        }
    }

    /// <summary><c>-p:Param_lr=1e-3</c> on the build's command line (a global property) overrides param <c>lr</c>.</summary>
    internal IEnumerable<string> CollectOverrides()
    {
        if (BuildEngine is IBuildEngine6 engine)
        {
            foreach (KeyValuePair<string, string> property in engine.GetGlobalProperties().OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (property.Key.StartsWith(ParamPrefix, StringComparison.OrdinalIgnoreCase) && property.Key.Length > ParamPrefix.Length)
                {
                    yield return $"{property.Key[ParamPrefix.Length..]}={property.Value}";
                }
            }
        }
        foreach (ITaskItem item in Overrides)
        {
            yield return item.ItemSpec;
        }
    }

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        // `quickstart: 13 steps, 8 variant(s): 0 ran, 13 cached, 0 failed, 0 skipped in 0.21 s`
        Match summary = SummaryLine().Match(singleLine);
        if (summary.Success && summary.Groups["ran"].Value == "0" && summary.Groups["failed"].Value == "0" && summary.Groups["skipped"].Value == "0")
        {
            Log.LogMessage(MessageImportance.High, $"{summary.Groups["name"].Value}: up to date ({summary.Groups["steps"].Value} steps cached)");
            return;
        }
        // Canonical `file(line,col): error EXP1234: ...` lines become errors with code and position.
        base.LogEventsFromTextOutput(singleLine, messageImportance);
    }

    protected override bool HandleTaskExecutionErrors()
    {
        if (!Log.HasLoggedErrors)
        {
            string meaning = ExitCode switch
            {
                1 => "a step failed (see the lines above)",
                2 => "the experiment has errors",
                3 => "a gate failed",
                130 => "cancelled",
                _ => "unexpected failure",
            };
            Log.LogError(null, "EXP0004", null, Project, 0, 0, 0, 0, $"exp {Command} exited with code {ExitCode}: {meaning}.");
        }
        return false;
    }

    [GeneratedRegex(@"^(?<name>\S+): (?<steps>\d+) steps, \d+ variant\(s\): (?<ran>\d+) ran, (?<cached>\d+) cached, (?<failed>\d+) failed, (?<skipped>\d+) skipped")]
    private static partial Regex SummaryLine();
}

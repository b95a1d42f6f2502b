using Experiments.Engine.Diagnostics;

namespace Experiments.Engine.Spec;

/// <summary>
/// Where an experiment's steps run, as its <c>executor</c> statement says: <c>local</c>, or
/// <c>slurm</c> with the settings of its jobs. `exp run --executor ...` overrides it.
/// </summary>
public sealed record ExecutorSettings(string Name, string? Partition, string? Account, string? Time, EquatableArray<string> SlurmArgs, SourceSpan Span)
{
    public static readonly IReadOnlyList<string> Names = ["local", "slurm"];

    private static readonly IReadOnlyList<string> SlurmParams = ["partition", "account", "time", "args"];

    /// <summary>Checks an <c>executor</c> statement; reports each problem at its position and returns null if there was one.</summary>
    public static ExecutorSettings? Read(ExecutorStatement statement, DiagnosticBag diagnostics)
    {
        CallValue call = statement.Executor;
        if (!Names.Contains(call.Name))
        {
            diagnostics.Error(DiagnosticCodes.BadExecutor, call.Span,
                $"unknown executor `{call.Name}`; expected one of {string.Join(", ", Names)}.", Suggestions.DidYouMean(call.Name, Names));
            return null;
        }
        string? partition = null, account = null, time = null;
        var args = new List<string>();
        bool ok = true;
        foreach (Argument argument in call.Arguments)
        {
            if (call.Name == "local" || argument.Name is null || !SlurmParams.Contains(argument.Name))
            {
                diagnostics.Error(DiagnosticCodes.BadExecutor, argument.Span, call.Name == "local"
                    ? "executor `local` takes no arguments."
                    : $"executor `slurm` takes named arguments {string.Join(", ", SlurmParams)}; found {(argument.Name is null ? "a positional one" : $"`{argument.Name}`")}.",
                    argument.Name is null || call.Name == "local" ? null : Suggestions.DidYouMean(argument.Name, SlurmParams));
                ok = false;
                continue;
            }
            switch (argument.Name, argument.Value)
            {
                case ("partition", StringValue v):
                    partition = v.Value;
                    break;
                case ("account", StringValue v):
                    account = v.Value;
                    break;
                case ("time", StringValue v):
                    time = v.Value;
                    break;
                case ("time", NumberValue v) when v.Value > 0 && v.Value == Math.Floor(v.Value):
                    time = v.Text; // minutes
                    break;
                case ("args", ListValue v) when v.Items.All(i => i is StringValue):
                    args.AddRange(v.Items.Cast<StringValue>().Select(i => i.Value));
                    break;
                default:
                    diagnostics.Error(DiagnosticCodes.BadExecutor, argument.Value.Span, argument.Name switch
                    {
                        "time" => "`time` is a whole number of minutes or a string such as \"2:00:00\".",
                        "args" => "`args` is a list of strings, each one sbatch argument: [\"--qos=high\"].",
                        _ => $"`{argument.Name}` is a string.",
                    });
                    ok = false;
                    break;
            }
        }
        return ok ? new ExecutorSettings(call.Name, partition, account, time, args.ToEquatableArray(), statement.Span) : null;
    }
}

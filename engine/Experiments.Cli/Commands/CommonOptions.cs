using System.CommandLine;

namespace Experiments.Cli.Commands;

/// <summary>Options several commands share; each command gets its own instances.</summary>
internal static class CommonOptions
{
    public static Argument<string> File() => new("file") { Description = "The experiment file (*.exp), or an items file (*.json) written by the MSBuild task." };

    public static Argument<string?> OptionalFile() => new("file")
    {
        Description = "An experiment file; its store is used (default: ./.exp).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static Option<string[]> Params() => new("--param", "-p")
    {
        Description = "Override a param: -p name=value. A comma list (-p lr=1e-4,3e-4) sweeps it.",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };

    public static Option<string?> Store() => new("--store")
    {
        Description = "The store folder (default: $EXP_STORE, else .exp/ beside the experiment file).",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON document on stdout (schema in the README)." };
}

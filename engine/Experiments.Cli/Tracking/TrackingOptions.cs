using System.CommandLine;

namespace Experiments.Cli.Tracking;

/// <summary>Options of the tracking commands; each command gets its own instances.</summary>
internal static class TrackingOptions
{
    public static Option<bool> Strict() => new("--strict") { Description = "Refuse to run when tracked files differ from the git commit." };

    public static Option<bool> NoGates() => new("--no-gates") { Description = "Do not evaluate the experiment's gates after the run." };

    public static Option<string?> GateSummary() => new("--gate-summary") { Description = "Write the gate results as Markdown to this file (for a pull-request comment)." };

    public static Option<bool> Markdown() => new("--md") { Description = "Print Markdown tables." };

    public static Argument<string> Run(string name = "run") => new(name) { Description = "A run id (or a unique prefix of one), or `latest`." };
}

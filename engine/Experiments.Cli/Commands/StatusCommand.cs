using System.CommandLine;
using Experiments.Cli.Frontend;
using Experiments.Cli.Rendering;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Store;

namespace Experiments.Cli.Commands;

/// <summary>`exp status FILE`: what a run would do, and why, without running anything.</summary>
internal static class StatusCommand
{
    private const int ListAllUpTo = 40;

    public static Command Create(CliServices services)
    {
        Argument<string> file = CommonOptions.File();
        Option<string[]> parameters = CommonOptions.Params();
        Option<string?> store = CommonOptions.Store();
        Option<bool> json = CommonOptions.Json();
        var all = new Option<bool>("--all") { Description = $"List cached steps too (listed anyway up to {ListAllUpTo} steps)." };
        var command = new Command("status", "Show which steps would run and why (the first changed input), without running anything.")
        {
            file, parameters, store, json, all,
        };
        command.SetAction(result => Execute(
            services, result.GetValue(file)!, result.GetValue(parameters) ?? [], result.GetValue(store), result.GetValue(json), result.GetValue(all)));
        return command;
    }

    private static int Execute(CliServices services, string file, string[] parameters, string? storeOption, bool json, bool all)
    {
        var engineTime = System.Diagnostics.Stopwatch.StartNew();
        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = new ExperimentLoader(services.Registry).Load(file, parameters);
        new DiagnosticRenderer(services.Error, services.Interactive).Write(diagnostics);
        if (graph is null)
        {
            if (json)
            {
                JsonReport.WriteDiagnosticsOnly(services.OpenStandardOutput(), diagnostics, ExitCodes.SpecError);
            }
            return ExitCodes.SpecError;
        }
        string storePath = StoreLocation.Resolve(storeOption, file);
        IReadOnlyList<PlannedStep> plan = new StatusPlanner(new ContentStore(storePath)).Plan(graph);
        if (json)
        {
            using Stream stdout = services.OpenStandardOutput();
            JsonReport.WriteStatus(stdout, graph, plan, storePath, engineTime.Elapsed.TotalSeconds);
            return ExitCodes.Ok;
        }
        bool listCached = all || plan.Count <= ListAllUpTo;
        int width = Math.Min(48, plan.Max(p => p.Node.Id.Length));
        // Listed in the order steps are written, each step's variants together.
        IEnumerable<PlannedStep> listed = plan
            .Where(p => listCached || !p.Cached)
            .OrderBy(p => graph.Spec.Steps.AsImmutableArray().IndexOf(p.Node.Declaration))
            .ThenBy(p => p.Node.Index);
        foreach (PlannedStep step in listed)
        {
            services.Output.WriteLine(step.Cached
                ? $"cached    {step.Node.Id}"
                : $"will run  {step.Node.Id.PadRight(width)}  {step.Reasons[0]}");
        }
        int running = plan.Count(p => !p.Cached);
        services.Output.WriteLine(running == 0
            ? $"{graph.ExperimentName}: all {plan.Count} steps are cached; `exp run` has nothing to do."
            : $"{graph.ExperimentName}: {running} of {plan.Count} steps would run.");
        return ExitCodes.Ok;
    }
}

using System.CommandLine;
using System.Text.Json;
using Experiments.Cli.Frontend;
using Experiments.Cli.Rendering;
using Experiments.Cli.Tracking;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Store;
using Experiments.Tracking.Gates;
using Experiments.Tracking.Ledger;
using Experiments.Tracking.Mlflow;

namespace Experiments.Cli.Commands;

/// <summary>
/// `exp gate FILE`: evaluates the experiment's gates on a recorded run (default: its latest),
/// without running anything. Exit 3 when a gate fails; the Markdown summary goes to stdout with
/// <c>--md</c> or to a file with <c>--gate-summary</c>.
/// </summary>
internal static class GateCommand
{
    public static Command Create(CliServices services)
    {
        Argument<string> file = CommonOptions.File();
        Option<string[]> parameters = CommonOptions.Params();
        Option<string?> store = CommonOptions.Store();
        Option<bool> json = CommonOptions.Json();
        Option<bool> markdown = TrackingOptions.Markdown();
        Option<string?> summary = TrackingOptions.GateSummary();
        var run = new Option<string>("--run") { Description = "The run to judge (id, prefix or `latest`).", DefaultValueFactory = _ => "latest" };
        var command = new Command("gate", "Evaluate the experiment's gates on a recorded run (exit 3 when one fails).")
        {
            file, parameters, run, store, json, markdown, summary,
        };
        command.SetAction((result, cancellationToken) => ExecuteAsync(services, result.GetValue(file)!, result.GetValue(parameters) ?? [],
            result.GetValue(run)!, result.GetValue(store), result.GetValue(json), result.GetValue(markdown), result.GetValue(summary), cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(
        CliServices services, string file, string[] parameters, string runId, string? storeOption, bool json, bool markdown, string? summaryPath,
        CancellationToken cancellationToken)
    {
        var renderer = new DiagnosticRenderer(services.Error, services.Interactive);
        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = new ExperimentLoader(services.Registry).Load(file, parameters);
        renderer.Write(diagnostics);
        if (graph is null)
        {
            return ExitCodes.SpecError;
        }
        if (graph.Gates.Count == 0)
        {
            services.Error.WriteLine($"exp: {graph.ExperimentName} has no gates.");
            return ExitCodes.Ok;
        }
        using RunLedger? ledger = LedgerAccess.Open(services, storeOption, file);
        if (ledger is null || LedgerAccess.Find(services, ledger, runId, graph.ExperimentName) is not { } run)
        {
            return ExitCodes.SpecError;
        }
        var store = new ContentStore(StoreLocation.Resolve(storeOption, file));
        IReadOnlyList<GateResult> results = await GateRunner.EvaluateAsync(
            store, graph, GateRunner.FromLedger(ledger, store, run), MlflowSettings.FromEnvironment(services.ReadEnvironment), cancellationToken).ConfigureAwait(false);
        renderer.Write(GateEvaluator.Diagnostics(results));
        string text = GateSummary.Markdown(graph.ExperimentName, run.Id, results);
        GateRunner.WriteSummary(text, summaryPath, services.Error);
        if (json)
        {
            var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                writer.WriteStartObject();
                writer.WriteString("run", run.Id);
                writer.WriteNumber("exit_code", results.All(r => r.Passed) ? ExitCodes.Ok : ExitCodes.GateFailed);
                GateJson.Write(writer, results);
                writer.WriteEndObject();
            }
            services.Output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }
        else if (markdown)
        {
            services.Output.Write(text);
        }
        else
        {
            foreach (GateResult result in results)
            {
                services.Output.WriteLine($"{(result.Passed ? "pass" : "FAIL")}  {result.Message}");
            }
            services.Output.WriteLine($"{graph.ExperimentName} (run {run.ShortId}): {results.Count(r => r.Passed)} gate check(s) passed, {results.Count(r => !r.Passed)} failed");
        }
        return results.All(r => r.Passed) ? ExitCodes.Ok : ExitCodes.GateFailed;
    }
}

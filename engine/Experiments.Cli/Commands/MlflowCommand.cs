using System.CommandLine;
using Experiments.Cli.Rendering;
using Experiments.Cli.Tracking;
using Experiments.Engine.Diagnostics;
using Experiments.Tracking.Ledger;
using Experiments.Tracking.Mlflow;

namespace Experiments.Cli.Commands;

/// <summary>`exp mlflow sync` delivers the outbox (and queues runs recorded while MLflow was not configured); `exp mlflow status` says what waits.</summary>
internal static class MlflowCommand
{
    public static Command Create(CliServices services)
    {
        Argument<string?> file = CommonOptions.OptionalFile();
        Option<string?> store = CommonOptions.Store();
        var timeout = new Option<double>("--timeout") { Description = "Give up after this many seconds (what is left stays queued).", DefaultValueFactory = _ => 300 };
        var sync = new Command("sync", "Send every queued run, param, metric and artifact to MLflow (MLFLOW_TRACKING_URI); exit 1 if some remain.")
        {
            file, store, timeout,
        };
        sync.SetAction((result, cancellationToken) => SyncAsync(services, result.GetValue(file), result.GetValue(store), result.GetValue(timeout), cancellationToken));
        Argument<string?> statusFile = CommonOptions.OptionalFile();
        Option<string?> statusStore = CommonOptions.Store();
        var status = new Command("status", "Show what waits in the outbox and what the server refused.") { statusFile, statusStore };
        status.SetAction(result => Status(services, result.GetValue(statusFile), result.GetValue(statusStore)));
        return new Command("mlflow", "Delivery of the ledger to an MLflow tracking server.") { sync, status };
    }

    private static async Task<int> SyncAsync(CliServices services, string? file, string? storeOption, double timeout, CancellationToken cancellationToken)
    {
        if (MlflowSettings.FromEnvironment(services.ReadEnvironment) is not { } settings)
        {
            services.Error.WriteLine("exp: error: MLFLOW_TRACKING_URI is not set (or is not an http(s) URI): there is no MLflow server to sync to.");
            return ExitCodes.SpecError;
        }
        using RunLedger? ledger = LedgerAccess.Open(services, storeOption, file, closeDeadRuns: true);
        if (ledger is null)
        {
            return ExitCodes.SpecError;
        }
        int backfilled = OutboxPlanner.QueueUndelivered(ledger);
        int before = ledger.PendingCount();
        var deliverer = new OutboxDeliverer(ledger, Path.GetDirectoryName(ledger.Path)!, MlflowHttp.CreateApi(settings), settings);
        DeliveryReport report = await deliverer.DeliverAsync(TimeSpan.FromSeconds(timeout), cancellationToken).ConfigureAwait(false);
        services.Output.WriteLine(
            $"mlflow sync to {settings.Display}: {report.Delivered} request(s) delivered of {before} queued"
            + (backfilled > 0 ? $" ({backfilled} run(s) queued now, recorded while MLflow was not configured)" : string.Empty)
            + $"; {report.Pending} waiting; {report.SetAside} refused by the server.");
        DeliveryWarnings.Write(new DiagnosticRenderer(services.Error, false), settings, report, report.Problems, Severity.Error);
        return report.Pending == 0 && report.SetAside == 0 ? ExitCodes.Ok : ExitCodes.StepFailed;
    }

    private static int Status(CliServices services, string? file, string? storeOption)
    {
        using RunLedger? ledger = LedgerAccess.Open(services, storeOption, file, closeDeadRuns: true);
        if (ledger is null)
        {
            return ExitCodes.SpecError;
        }
        IReadOnlyList<OutboxEvent> pending = ledger.PendingEvents(100_000);
        services.Output.WriteLine($"{pending.Count} request(s) waiting, {ledger.RunsNeverQueued().Count} run(s) never queued (recorded without MLFLOW_TRACKING_URI; `exp mlflow sync` sends them).");
        var table = new TextTable("run", "request", "count", "attempts");
        table.RightAligned.UnionWith([2, 3]);
        foreach (var group in pending.GroupBy(e => (e.RunId, e.Kind)))
        {
            table.Add(group.Key.RunId[..8], group.Key.Kind, group.Count().ToString(System.Globalization.CultureInfo.InvariantCulture),
                group.Max(e => e.Attempts).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (table.RowCount > 0)
        {
            services.Output.Write(table.Plain());
        }
        foreach ((OutboxEvent refused, string error) in ledger.SetAsideEvents())
        {
            services.Output.WriteLine($"refused: run {refused.RunId[..8]} {refused.Kind}: {error}");
        }
        return ExitCodes.Ok;
    }
}

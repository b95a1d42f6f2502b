using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Experiments.Cli.Frontend;
using Experiments.Cli.Rendering;
using Experiments.Cli.Tracking;
using Experiments.Engine.Store;
using Experiments.Tracking.Gates;
using Experiments.Tracking.Ledger;

namespace Experiments.Cli.Commands;

/// <summary>
/// `exp diff A B`: params and metrics of two runs side by side with deltas; where both runs have
/// per-example scores for a metric, a paired bootstrap says whether the change is more than noise.
/// Variants are matched by name.
/// </summary>
internal static class DiffCommand
{
    public static Command Create(CliServices services)
    {
        Argument<string> a = TrackingOptions.Run("run-a");
        Argument<string> b = TrackingOptions.Run("run-b");
        Option<string?> store = CommonOptions.Store();
        Option<bool> json = CommonOptions.Json();
        Option<bool> markdown = TrackingOptions.Markdown();
        var all = new Option<bool>("--all") { Description = "Also list params and metrics that are equal." };
        var command = new Command("diff", "Compare two runs: params and metrics with deltas, and significance where per-example scores exist.")
        {
            a, b, store, all, json, markdown,
        };
        command.SetAction(result => Execute(services, result.GetValue(a)!, result.GetValue(b)!, result.GetValue(store),
            result.GetValue(all), result.GetValue(json), result.GetValue(markdown)));
        return command;
    }

    internal sealed record DiffRow(string Variant, string Kind, string Key, string? A, string? B, double? Delta, string Significance);

    private static int Execute(CliServices services, string idA, string idB, string? storeOption, bool all, bool json, bool markdown)
    {
        using RunLedger? ledger = LedgerAccess.Open(services, storeOption, null);
        if (ledger is null || LedgerAccess.Find(services, ledger, idA) is not { } runA || LedgerAccess.Find(services, ledger, idB) is not { } runB)
        {
            return ExitCodes.SpecError;
        }
        var store = new ContentStore(StoreLocation.Resolve(storeOption, null));
        var rows = new List<DiffRow>();
        Compare(ledger, store, runA, runB, string.Empty, all, rows);
        Dictionary<string, LedgerRun> childrenB = ledger.Children(runB.Id).ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (LedgerRun childA in ledger.Children(runA.Id))
        {
            if (childrenB.TryGetValue(childA.Name, out LedgerRun? childB))
            {
                Compare(ledger, store, childA, childB, childA.Name, all, rows);
            }
        }
        if (json)
        {
            WriteJson(services.Output, runA, runB, rows);
            return ExitCodes.Ok;
        }
        services.Output.WriteLine($"{(markdown ? "### " : "")}diff {runA.ShortId} → {runB.ShortId} ({runA.Experiment}{(runA.Experiment == runB.Experiment ? "" : $" / {runB.Experiment}")})");
        services.Output.WriteLine();
        var table = new TextTable("variant", "kind", "name", runA.ShortId, runB.ShortId, "delta", "significance");
        table.RightAligned.UnionWith([3, 4, 5]);
        foreach (DiffRow row in rows)
        {
            table.Add(row.Variant.Length == 0 ? "—" : row.Variant, row.Kind, row.Key, row.A ?? "—", row.B ?? "—",
                row.Delta is { } d ? GateEvaluator.Signed(d) : "", row.Significance);
        }
        services.Output.Write(table.Render(markdown));
        if (!markdown)
        {
            services.Output.WriteLine(rows.Count == 0
                ? "no differences in params or metrics."
                : "significance: paired bootstrap over per-example scores (95% interval of B − A); `—` where there are no per-example scores.");
        }
        return ExitCodes.Ok;
    }

    private static void Compare(RunLedger ledger, ContentStore store, LedgerRun a, LedgerRun b, string variant, bool all, List<DiffRow> rows)
    {
        IReadOnlyDictionary<string, string> paramsA = ledger.Params(a.Id);
        IReadOnlyDictionary<string, string> paramsB = ledger.Params(b.Id);
        foreach (string key in paramsA.Keys.Union(paramsB.Keys).Order(StringComparer.Ordinal))
        {
            string? va = paramsA.GetValueOrDefault(key);
            string? vb = paramsB.GetValueOrDefault(key);
            if (all || va != vb)
            {
                double? delta = double.TryParse(va, NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
                    && double.TryParse(vb, NumberStyles.Float, CultureInfo.InvariantCulture, out double y) ? y - x : null;
                rows.Add(new DiffRow(variant, "param", key, va, vb, va == vb ? null : delta, string.Empty));
            }
        }
        IReadOnlyDictionary<string, double> metricsA = ledger.LatestMetrics(a.Id);
        IReadOnlyDictionary<string, double> metricsB = ledger.LatestMetrics(b.Id);
        Dictionary<string, string?> keysA = KeysByStep(ledger, a);
        Dictionary<string, string?> keysB = KeysByStep(ledger, b);
        foreach (string key in metricsA.Keys.Union(metricsB.Keys).Order(StringComparer.Ordinal))
        {
            double? va = metricsA.TryGetValue(key, out double x) ? x : null;
            double? vb = metricsB.TryGetValue(key, out double y) ? y : null;
            if (!all && va == vb)
            {
                continue;
            }
            rows.Add(new DiffRow(variant, "metric", key, va is { } p ? LedgerAccess.Number(p) : null, vb is { } q ? LedgerAccess.Number(q) : null,
                va is { } l && vb is { } r ? r - l : null, Significance(store, key, keysA, keysB)));
        }
    }

    /// <summary>For metric <c>step.name</c>: both runs' per-example scores of that step, paired by id.</summary>
    private static string Significance(ContentStore store, string metricKey, Dictionary<string, string?> keysA, Dictionary<string, string?> keysB)
    {
        int dot = metricKey.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return "—";
        }
        string step = metricKey[..dot];
        string metric = metricKey[(dot + 1)..];
        if (keysA.GetValueOrDefault(step) is not { } keyA || keysB.GetValueOrDefault(step) is not { } keyB
            || store.TryGetAction(keyA) is not { } entryA || store.TryGetAction(keyB) is not { } entryB
            || ExampleScores.Scores(store, entryA, metric) is not { } scoresA || ExampleScores.Scores(store, entryB, metric) is not { } scoresB)
        {
            return "—";
        }
        if (keyA == keyB)
        {
            return "same result";
        }
        string[] ids = scoresA.Keys.Where(scoresB.ContainsKey).Order(StringComparer.Ordinal).ToArray();
        if (ids.Length < 2)
        {
            return "—";
        }
        PairedOutcome outcome = PairedSignificance.Compare(
            ids.Select(i => scoresB[i]).ToArray(), ids.Select(i => scoresA[i]).ToArray(), 0.95, GateEvaluator.BootstrapIterations, 17);
        bool significant = outcome.Low > 0 || outcome.High < 0;
        return $"{(significant ? "significant" : "not significant")} [{GateEvaluator.Signed(outcome.Low)}, {GateEvaluator.Signed(outcome.High)}] n={ids.Length}";
    }

    /// <summary>Step name to key, for the steps that have one node in this run (an invocation's swept steps have several: their variants compare them).</summary>
    private static Dictionary<string, string?> KeysByStep(RunLedger ledger, LedgerRun run) =>
        ledger.Steps(run.Id).GroupBy(s => StepName(s.Node)).Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().Key, StringComparer.Ordinal);

    private static string StepName(string node) => node.IndexOf('[', StringComparison.Ordinal) is int at and > 0 ? node[..at] : node;

    private static void WriteJson(TextWriter output, LedgerRun a, LedgerRun b, IReadOnlyList<DiffRow> rows)
    {
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("a", a.Id);
            writer.WriteString("b", b.Id);
            writer.WriteStartArray("rows");
            foreach (DiffRow row in rows)
            {
                writer.WriteStartObject();
                writer.WriteString("variant", row.Variant);
                writer.WriteString("kind", row.Kind);
                writer.WriteString("name", row.Key);
                writer.WriteString("a", row.A);
                writer.WriteString("b", row.B);
                if (row.Delta is { } delta)
                {
                    writer.WriteNumber("delta", delta);
                }
                writer.WriteString("significance", row.Significance);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }
}

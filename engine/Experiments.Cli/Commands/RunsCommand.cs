using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Experiments.Cli.Rendering;
using Experiments.Cli.Tracking;
using Experiments.Tracking.Ledger;

namespace Experiments.Cli.Commands;

/// <summary>`exp runs`: the runs in the ledger, newest first, optionally filtered.</summary>
internal static class RunsCommand
{
    public static Command Create(CliServices services)
    {
        Argument<string?> file = CommonOptions.OptionalFile();
        Option<string?> store = CommonOptions.Store();
        Option<bool> json = CommonOptions.Json();
        Option<bool> markdown = TrackingOptions.Markdown();
        var filter = new Option<string[]>("--filter", "-f")
        {
            Description = "Keep runs where FIELD OP VALUE holds (AND), e.g. status=FINISHED, branch=main, params.lr=0.001, metrics.scores.accuracy>=0.8, tags.exp.gates=passed, experiment=x.",
            DefaultValueFactory = _ => [],
        };
        var all = new Option<bool>("--all") { Description = "Also list each sweep variant's child run." };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many runs.", DefaultValueFactory = _ => 50 };
        var command = new Command("runs", "List the runs recorded in the store's ledger, newest first.") { file, store, filter, all, limit, json, markdown };
        command.SetAction(result => Execute(services, result.GetValue(file), result.GetValue(store), result.GetValue(filter) ?? [],
            result.GetValue(all), result.GetValue(limit), result.GetValue(json), result.GetValue(markdown)));
        return command;
    }

    private static int Execute(CliServices services, string? file, string? storeOption, string[] filters, bool all, int limit, bool json, bool markdown)
    {
        List<RunFilter> parsed = [];
        foreach (string text in filters)
        {
            if (RunFilter.Parse(text) is not { } one)
            {
                services.Error.WriteLine($"exp: error: --filter `{text}`: expected FIELD OP VALUE with OP one of = != >= <= > <, e.g. status=FINISHED.");
                return ExitCodes.SpecError;
            }
            parsed.Add(one);
        }
        using RunLedger? ledger = LedgerAccess.Open(services, storeOption, file, closeDeadRuns: true);
        if (ledger is null)
        {
            return ExitCodes.SpecError;
        }
        var rows = new List<RunDetails>();
        foreach (LedgerRun run in ledger.ListRuns(limit: 100_000))
        {
            // With --all, each invocation is followed by its variants.
            IEnumerable<LedgerRun> members = all ? ledger.Children(run.Id).Prepend(run) : [run];
            foreach (LedgerRun member in members)
            {
                RunDetails details = ledger.Details(member);
                if (parsed.All(f => f.Matches(details)))
                {
                    rows.Add(details);
                }
            }
            if (rows.Count >= limit)
            {
                break;
            }
        }
        if (json)
        {
            WriteJson(services.Output, rows);
            return ExitCodes.Ok;
        }
        var table = new TextTable("run", "experiment", "started (UTC)", "status", "variants", "steps ran/cached", "commit", "branch", "gates");
        table.RightAligned.Add(4);
        foreach (RunDetails run in rows)
        {
            // An invocation lists every node once; a variant's run the nodes of its variant.
            int ran = run.Steps.Count(s => s.Status == "ran");
            int cached = run.Steps.Count(s => s.Status == "cached");
            table.Add(
                (run.Run.ParentId is null ? "" : "  ") + run.Run.ShortId,
                run.Run.Experiment,
                LedgerAccess.Time(run.Run.Start),
                run.Run.Status,
                run.Run.ParentId is null ? Math.Max(1, run.Children.Count).ToString(CultureInfo.InvariantCulture) : run.Run.Name,
                $"{ran}/{cached}",
                Commit(run.Tags),
                run.Tags.GetValueOrDefault("mlflow.source.git.branch", run.Tags.ContainsKey("mlflow.source.git.commit") ? "(detached)" : "—"),
                run.Tags.GetValueOrDefault("exp.gates", "—"));
        }
        services.Output.Write(table.Render(markdown));
        if (!markdown)
        {
            services.Output.WriteLine($"{rows.Count} run(s). `exp show RUN` for one; `exp diff A B` to compare two.");
            if (rows.Count == 0 && parsed.Count > 0 && !all)
            {
                // A swept step's params and metrics live on the variants' runs, which only --all searches.
                services.Output.WriteLine("A sweep's variant params and metrics are on its child runs: add --all to search them too.");
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>The short commit, with <c>*</c> when the tree was dirty (the diff is a run artifact).</summary>
    internal static string Commit(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue("mlflow.source.git.commit", out string? commit)
            ? commit[..Math.Min(8, commit.Length)] + (tags.GetValueOrDefault("exp.git.dirty") == "true" ? "*" : "")
            : "—";

    private static void WriteJson(TextWriter output, IReadOnlyList<RunDetails> rows)
    {
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("runs");
            foreach (RunDetails run in rows)
            {
                RunJson.Write(writer, run);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}

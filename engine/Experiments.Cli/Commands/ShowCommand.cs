using System.CommandLine;
using System.Text;
using System.Text.Json;
using Experiments.Cli.Rendering;
using Experiments.Cli.Tracking;
using Experiments.Engine.Store;
using Experiments.Tracking.Ledger;

namespace Experiments.Cli.Commands;

/// <summary>`exp show RUN`: one run's record: git pin, params, metrics, artifacts, the steps it used.</summary>
internal static class ShowCommand
{
    public static Command Create(CliServices services)
    {
        Argument<string> run = TrackingOptions.Run();
        Option<string?> store = CommonOptions.Store();
        Option<bool> json = CommonOptions.Json();
        Option<bool> markdown = TrackingOptions.Markdown();
        var command = new Command("show", "Show one recorded run: git pin, params, metrics, artifacts and the steps it used (with the run that computed each).")
        {
            run, store, json, markdown,
        };
        command.SetAction(result => Execute(services, result.GetValue(run)!, result.GetValue(store), result.GetValue(json), result.GetValue(markdown)));
        return command;
    }

    private static int Execute(CliServices services, string id, string? storeOption, bool json, bool markdown)
    {
        using RunLedger? ledger = LedgerAccess.Open(services, storeOption, null, closeDeadRuns: true);
        if (ledger is null || LedgerAccess.Find(services, ledger, id) is not { } run)
        {
            return ExitCodes.SpecError;
        }
        RunDetails details = ledger.Details(run);
        var store = new ContentStore(Path.GetDirectoryName(ledger.Path)!);
        bool InStore(ArtifactRow artifact) => store.HasBlob(artifact.Digest, artifact.Size);
        if (json)
        {
            var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                RunJson.Write(writer, details, full: true, InStore);
            }
            services.Output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
            return ExitCodes.Ok;
        }
        TextWriter output = services.Output;
        string heading = markdown ? "### " : string.Empty;
        output.WriteLine($"{heading}run {run.Id} ({run.Experiment}, {run.Status})");
        output.WriteLine();
        var header = new TextTable("field", "value");
        header.Add("name", run.Name);
        if (run.ParentId is not null)
        {
            header.Add("parent", run.ParentId[..8]);
        }
        header.Add("started (UTC)", LedgerAccess.Time(run.Start));
        header.Add("seconds", run.End is { } end ? LedgerAccess.Number(Math.Round((end - run.Start).TotalSeconds, 2)) : "(not finished)");
        header.Add("file", run.File);
        header.Add("arguments", run.Arguments.Count == 0 ? "—" : string.Join(" ", run.Arguments.Select(a => $"-p {a}")));
        header.Add("git", details.Tags.TryGetValue("mlflow.source.git.commit", out string? commit)
            ? $"{commit}{(details.Tags.GetValueOrDefault("exp.git.dirty") == "true" ? " (dirty: diff in artifact git.diff)" : "")}"
            : "not a git repository");
        if (details.Tags.TryGetValue("mlflow.source.git.branch", out string? branch) || commit is not null)
        {
            header.Add("branch", branch ?? "(detached HEAD)");
        }
        if (details.Tags.TryGetValue("mlflow.source.git.repoURL", out string? remote))
        {
            header.Add("remote", remote);
        }
        output.Write(header.Render(markdown));
        Section(output, markdown, "params", details.Params.Select(p => new[] { p.Key, p.Value }), "param", "value");
        Section(output, markdown, "metrics", details.Metrics.Select(m => new[] { m.Key, LedgerAccess.Number(m.Value) }), "metric", "value");
        Section(output, markdown, "artifacts", details.Artifacts.Select(a => new[]
        {
            a.Path, a.Digest[..12], a.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), InStore(a) ? "yes" : "no (missing)",
        }), "path", "blob", "bytes", "in store");
        Section(output, markdown, "steps", details.Steps.Select(s => new[]
        {
            s.Node, s.Status, s.Key?[..12] ?? "—",
            s.OriginRunId is null ? (s.Status == "cached" ? "(before the ledger)" : "—") : s.OriginRunId == run.Id ? "this run" : s.OriginRunId[..8],
        }), "step", "status", "key", "computed by");
        Section(output, markdown, "variants", details.Children.Select(c => new[] { c.ShortId, c.Name, c.Status }), "run", "variant", "status");
        return ExitCodes.Ok;
    }

    private static void Section(TextWriter output, bool markdown, string title, IEnumerable<string[]> rows, params string[] columns)
    {
        var table = new TextTable(columns);
        foreach (string[] row in rows)
        {
            table.Add(row);
        }
        if (table.RowCount == 0)
        {
            return;
        }
        output.WriteLine();
        output.WriteLine(markdown ? $"#### {title}" : $"{title}:");
        if (markdown)
        {
            output.WriteLine();
        }
        output.Write(table.Render(markdown));
    }
}

using System.CommandLine;
using Experiments.Cli.Frontend;
using Experiments.Cli.Rendering;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Keys;
using Experiments.Engine.Scheduling;
using Experiments.Engine.Spec;
using Experiments.Engine.Store;

namespace Experiments.Cli.Commands;

/// <summary>`exp why FILE STEP`: the whole story of one step's key: what it hashes and what changed.</summary>
internal static class WhyCommand
{
    public static Command Create(CliServices services)
    {
        Argument<string> file = CommonOptions.File();
        var step = new Argument<string>("step") { Description = "A step name (every variant) or a step id such as ft[lr=0.001]." };
        Option<string[]> parameters = CommonOptions.Params();
        Option<string?> store = CommonOptions.Store();
        var command = new Command("why", "Explain a step's key: its inputs, params, seed and environment, and what changed since its last run.")
        {
            file, step, parameters, store,
        };
        command.SetAction(result => Execute(
            services, result.GetValue(file)!, result.GetValue(step)!, result.GetValue(parameters) ?? [], result.GetValue(store)));
        return command;
    }

    private static int Execute(CliServices services, string file, string stepName, string[] parameters, string? storeOption)
    {
        var renderer = new DiagnosticRenderer(services.Error, services.Interactive);
        (StepGraph? graph, IReadOnlyList<Diagnostic> diagnostics) = new ExperimentLoader(services.Registry).Load(file, parameters);
        renderer.Write(diagnostics);
        if (graph is null)
        {
            return ExitCodes.SpecError;
        }
        var store = new ContentStore(StoreLocation.Resolve(storeOption, file));
        History history = History.Load(store, graph.ExperimentName);
        IReadOnlyList<PlannedStep> plan = new StatusPlanner(store).Plan(graph, history);
        PlannedStep[] chosen = plan.Where(p => p.Node.Id == stepName || p.Node.Name == stepName).ToArray();
        if (chosen.Length == 0)
        {
            renderer.Write(Diagnostic.Error(DiagnosticCodes.UnknownStep, new SourceSpan($"exp why {stepName}", 0, 0),
                $"experiment `{graph.ExperimentName}` has no step `{stepName}`.",
                Suggestions.DidYouMean(stepName, graph.Nodes.Select(n => n.Name).Distinct())));
            return ExitCodes.SpecError;
        }
        TextWriter output = services.Output;
        foreach (PlannedStep step in chosen)
        {
            StepNode node = step.Node;
            output.WriteLine($"{node.Id}  ({node.Kind.Name} v{node.Kind.Schema.Version}, declared at {node.Declaration.Span})");
            output.WriteLine(step.Cached ? "  status: cached" : $"  status: will run: {string.Join("; ", step.Reasons)}");
            output.WriteLine($"  key:    {step.Key ?? "(known once its upstream steps have run)"}");
            foreach ((string name, CanonicalValue value) in node.Params)
            {
                output.WriteLine($"  param  {name} = {value.Display()}");
            }
            foreach (NodeInput input in node.Inputs)
            {
                string digest = step.Description?.Inputs.GetValueOrDefault(input.InputName) is { } d ? d[..16] : "?";
                output.WriteLine($"  input  {input.InputName} ← {input.Source.Id}.{input.OutputName} (digest {digest})");
            }
            foreach (NodeSourceFile source in node.SourceFiles)
            {
                string digest = step.Description?.Sources.GetValueOrDefault(source.ParamName) is { } d ? d[..16] : "?";
                output.WriteLine($"  file   {source.ParamName} = {source.RelativePath} (digest {digest})");
            }
            if (step.Description is not null)
            {
                output.WriteLine($"  seed   {step.Description.Seed} (from experiment seed {graph.Seed} and the rest of the key)");
                foreach ((string name, string value) in step.Description.Environment)
                {
                    output.WriteLine($"  env    {name} = {value}");
                }
            }
            KeyDescription? previous = history.Previous(node.Id);
            if (previous is null)
            {
                output.WriteLine("  last run: none recorded in this store");
            }
            else if (step.Description is not null && previous.Key != step.Description.Key)
            {
                output.WriteLine($"  last run: key {previous.Key[..16]}…, changed since: {string.Join("; ", KeyDiff.Explain(previous, step.Description, node))}");
            }
            output.WriteLine();
        }
        return ExitCodes.Ok;
    }
}

using System.Collections.Concurrent;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Execution;
using Experiments.Engine.Scheduling;
using Spectre.Console;

namespace Experiments.Cli.Rendering;

/// <summary>
/// Progress on a terminal: an overall bar plus one bar per running step, through Spectre.Console.
/// Finished steps leave a line above the bars, like the plain observer's.
/// </summary>
internal sealed class LiveRunObserver(IAnsiConsole console, int total) : IRunObserver
{
    private readonly ConcurrentDictionary<StepNode, ProgressTask> _running = new();
    private ProgressContext? _context;
    private ProgressTask? _overall;
    private int _done;

    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                _context = context;
                _overall = context.AddTask($"[bold]{total} steps[/]", maxValue: Math.Max(1, total));
                result = await work().ConfigureAwait(false);
                _overall.Value = _overall.MaxValue;
            }).ConfigureAwait(false);
        return result;
    }

    public void StepStarted(StepNode node, string reason)
    {
        console.MarkupLine($"[blue]start[/]   {Markup.Escape(node.Id)} [grey]({Markup.Escape(node.Kind.Name)}: {Markup.Escape(reason)})[/]");
        if (_context is not null)
        {
            _running[node] = _context.AddTask(Markup.Escape(node.Id), maxValue: 1.0);
        }
    }

    public void StepProgress(StepNode node, StepProgress progress)
    {
        if (_running.TryGetValue(node, out ProgressTask? task))
        {
            task.Value = progress.Fraction;
            if (progress.Message is not null)
            {
                task.Description = Markup.Escape($"{node.Id}: {progress.Message}");
            }
        }
    }

    public void StepFinished(NodeOutcome outcome)
    {
        if (_running.TryRemove(outcome.Node, out ProgressTask? task))
        {
            task.Value = task.MaxValue;
            task.StopTask();
        }
        int done = Interlocked.Increment(ref _done);
        if (_overall is not null)
        {
            _overall.Value = done;
        }
        switch (outcome.Status)
        {
            case NodeStatus.Ran:
                console.MarkupLine($"[green]ran[/]     {Markup.Escape(outcome.Node.Id)} [grey]in {outcome.Seconds:F2} s[/]");
                break;
            case NodeStatus.Failed:
                console.MarkupLine($"[red bold]FAILED[/]  {Markup.Escape(outcome.Node.Id)}: {Markup.Escape(outcome.Message ?? string.Empty)}");
                if (outcome.LogPath is not null)
                {
                    console.MarkupLine($"        [grey]log: {Markup.Escape(outcome.LogPath)}[/]");
                }
                break;
            case NodeStatus.Skipped:
                console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(outcome.Node.Id)}: {Markup.Escape(outcome.Message ?? string.Empty)}");
                break;
        }
    }

    public void StepWaiting(StepNode node) =>
        console.MarkupLine($"[grey]waiting {Markup.Escape(node.Id)}: for the same step (same key) being computed by another node or exp process[/]");

    public void Warning(Diagnostic diagnostic) => console.MarkupLine($"[yellow]{Markup.Escape(diagnostic.Format())}[/]");
}

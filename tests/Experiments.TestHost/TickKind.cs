using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;

namespace Experiments.TestHost;

/// <summary>
/// <c>tick</c>: reports a metric series (<c>tick</c> at steps 0..points-1) at once, then sleeps. A
/// test kind for a run that has logged metrics and is still busy when a test kills its process.
/// </summary>
internal sealed class TickKind : StepKind
{
    public override StepKindSchema Schema { get; } = new StepKindSchema(
        "tick",
        1,
        "data",
        "Reports a few metric points, then sleeps (a test kind).",
        EquatableArray<InputSpec>.Empty,
        EquatableArray.Create(
            ParamSpec.Int("points", "How many points of `tick` to report.", @default: 3, min: 0),
            ParamSpec.Float("seconds", "How long to sleep after them.", @default: 1, min: 0, max: 600)),
        EquatableArray.Create(new OutputSpec("out", ArtifactType.Data, "One row.")));

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        long points = context.Params.GetInt("points");
        for (long i = 0; i < points; i++)
        {
            context.Track("tick", i, i + 1);
        }
        await Task.Delay(TimeSpan.FromSeconds(context.Params.GetDouble("seconds")), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(context.OutputDirectory("out"), "data.jsonl"), "{}\n", cancellationToken);
    }
}

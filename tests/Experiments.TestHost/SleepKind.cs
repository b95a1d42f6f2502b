using System.Globalization;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;

namespace Experiments.TestHost;

/// <summary>
/// <c>sleep</c>: takes a while, then writes its input's text plus a line with its tag. A test kind
/// for runs that must still be busy when a test interrupts them; its output depends only on its
/// params and input.
/// </summary>
internal sealed class SleepKind : StepKind
{
    public override StepKindSchema Schema { get; } = new StepKindSchema(
        "sleep",
        1,
        "data",
        "Sleeps, then writes its input plus its tag (a test kind).",
        EquatableArray.Create(new InputSpec("data", ArtifactType.Data, "Optional upstream text.", Required: false)),
        EquatableArray.Create(
            ParamSpec.Float("seconds", "How long to sleep.", @default: 1, min: 0, max: 600),
            ParamSpec.Int("tag", "Written to the output.", @default: 0)),
        EquatableArray.Create(new OutputSpec("out", ArtifactType.Data, "The input's lines and the tag.")));

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(context.Params.GetDouble("seconds")), cancellationToken);
        string text = context.HasInput("data") ? await File.ReadAllTextAsync(context.Input("data").File("data.jsonl"), cancellationToken) : string.Empty;
        string tag = context.Params.GetInt("tag").ToString(CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(context.OutputDirectory("out"), "data.jsonl"), $"{text}{{\"tag\":{tag}}}\n", cancellationToken);
    }
}

using System.Globalization;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;

namespace Experiments.TestHost;

/// <summary>
/// <c>hold.gpu</c>: declares one GPU slot, holds it for a while, and writes to its log when it held
/// it and which device it was given (<c>CUDA_VISIBLE_DEVICES</c>), so a test can check that the
/// batch system never ran more of them at once than it has GPUs. Its output depends only on its
/// params: the log is not part of the result.
/// </summary>
internal sealed class HoldGpuKind : StepKind
{
    public override StepKindSchema Schema { get; } = new StepKindSchema(
        "hold.gpu",
        1,
        "data",
        "Holds one GPU for a while (a test kind).",
        EquatableArray<InputSpec>.Empty,
        EquatableArray.Create(
            ParamSpec.Float("seconds", "How long to hold the GPU.", @default: 2, min: 0, max: 600),
            ParamSpec.Int("tag", "Tells the holds apart.", @default: 0)),
        EquatableArray.Create(new OutputSpec("out", ArtifactType.Data, "One row with the tag.")))
    {
        Slots = new ResourceSlots(Cpu: 1, Gpu: 1),
    };

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        string device = Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES") ?? "none";
        await context.Log.WriteLineAsync($"hold start {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} device {device}");
        await Task.Delay(TimeSpan.FromSeconds(context.Params.GetDouble("seconds")), cancellationToken);
        await context.Log.WriteLineAsync($"hold end {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
        string tag = context.Params.GetInt("tag").ToString(CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(context.OutputDirectory("out"), "data.jsonl"), $"{{\"tag\":{tag}}}\n", cancellationToken);
    }
}

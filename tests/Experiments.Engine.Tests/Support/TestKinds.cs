using System.Text;
using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;

namespace Experiments.Engine.Tests.Support;

/// <summary>
/// Small real kinds for engine tests: they write real files whose bytes depend on their params,
/// inputs and seed, and count their executions, so tests can assert what ran.
/// </summary>
internal sealed class TextKind(string name, int version = 1, ResourceSlots? slots = null) : StepKind
{
    private int _executions;

    public int Executions => _executions;

    public Func<StepContext, Task>? Before { get; init; }

    public override StepKindSchema Schema { get; } = new StepKindSchema(
        name,
        version,
        "data",
        "Writes text made of its params, its input and its seed.",
        EquatableArray.Create(new InputSpec("data", ArtifactType.Data, "Optional upstream text.", Required: false)),
        EquatableArray.Create(
            ParamSpec.Int("size", "How many lines to write.", @default: 3, min: 0, max: 1_000_000),
            ParamSpec.Float("rate", "A float that shapes the text.", @default: 0.5),
            ParamSpec.String("label", "A label.", @default: "x"),
            ParamSpec.Choice("mode", "How to combine.", "copy", "copy", "upper", "constant"),
            ParamSpec.Bool("fail", "Fail with a user-facing error.", @default: false),
            new ParamSpec("method", ParamType.Call(
                new CallSchema("lora", "Low rank.", EquatableArray.Create(ParamSpec.Int("rank", "Rank.", @default: 8, min: 1))),
                new CallSchema("full", "Everything.", EquatableArray<ParamSpec>.Empty)), "A nested call.") { Default = CanonicalValue.Null }),
        EquatableArray.Create(new OutputSpec("out", ArtifactType.Data, "The text.")))
    {
        Slots = slots ?? ResourceSlots.Light,
    };

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _executions);
        if (Before is not null)
        {
            await Before(context);
        }
        if (context.Params.GetBool("fail"))
        {
            throw new StepFailedException("asked to fail");
        }
        var text = new StringBuilder();
        if (context.Params.GetString("mode") == "constant")
        {
            text.Append("constant\n");
        }
        else
        {
            if (context.HasInput("data"))
            {
                text.Append(await File.ReadAllTextAsync(context.Input("data").File("data.jsonl"), cancellationToken));
            }
            for (int i = 0; i < context.Params.GetInt("size"); i++)
            {
                text.Append($"{context.Params.GetString("label")} {context.Params.GetDouble("rate")} {context.Seed} {i}\n");
            }
        }
        string output = text.ToString();
        if (context.Params.GetString("mode") == "upper")
        {
            output = output.ToUpperInvariant();
        }
        await File.WriteAllTextAsync(Path.Combine(context.OutputDirectory("out"), "data.jsonl"), output, cancellationToken);
        context.Metric("chars", output.Length);
    }
}

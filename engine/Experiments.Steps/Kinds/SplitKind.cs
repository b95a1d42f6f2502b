using System.Globalization;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Engine.Util;
using Experiments.Steps.Data;

namespace Experiments.Steps.Kinds;

/// <summary>
/// <c>split</c>: partitions a dataset into <c>train</c>, <c>val</c> and <c>test</c>. With
/// <c>shuffle</c>, rows are permuted with the step's seed and each output is written in that
/// order; without, the parts are consecutive runs of the input. Counts use the largest-remainder
/// method (<see cref="Allocation"/>), per stratum when <c>stratify</c> is set, so they are exact
/// integers that depend only on the row counts and the ratios.
/// </summary>
public sealed class SplitKind : StepKind
{
    private static readonly string[] s_parts = ["train", "val", "test"];

    private static readonly StepKindSchema s_schema = DataKindParams.Schema(
        "split",
        "Splits a dataset into train, val and test parts, optionally stratified.",
        EquatableArray.Create(DataKindParams.DataInput),
        EquatableArray.Create(
            ParamSpec.Float("train", "Share of rows for train; train + val + test must be 1.", @default: 0.8, min: 0, max: 1),
            ParamSpec.Float("val", "Share of rows for val.", @default: 0.1, min: 0, max: 1),
            ParamSpec.Float("test", "Share of rows for test.", @default: 0.1, min: 0, max: 1),
            DataKindParams.Stratify,
            ParamSpec.Bool("shuffle", "Shuffle rows (seeded) before splitting; false keeps input order.", @default: true)),
        EquatableArray.Create(
            new OutputSpec("train", ArtifactType.Data, "The training rows."),
            new OutputSpec("val", ArtifactType.Data, "The validation rows."),
            new OutputSpec("test", ArtifactType.Data, "The test rows.")));

    public override StepKindSchema Schema => s_schema;

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        double[] ratios = s_parts.Select(context.Params.GetDouble).ToArray();
        double sum = ratios.Sum();
        if (ratios.Any(r => r < 0 || double.IsNaN(r)) || Math.Abs(sum - 1) > 1e-9)
        {
            throw new StepFailedException(
                $"split: train + val + test must be 1, but {Format(ratios[0])} + {Format(ratios[1])} + {Format(ratios[2])} = {Format(sum)}.");
        }
        string? stratify = context.Params.GetOptionalString("stratify");
        context.Report(0, "reading rows");
        BufferedDataset data = BufferedDataset.Load(context, "data", stratify, cancellationToken);

        int[] order = Enumerable.Range(0, data.Count).ToArray();
        if (context.Params.GetBool("shuffle"))
        {
            new SeededRandom(context.Seed).Shuffle(order);
        }
        int[] position = new int[data.Count];
        for (int p = 0; p < order.Length; p++)
        {
            position[order[p]] = p;
        }

        int[] part = new int[data.Count];
        IReadOnlyList<List<int>> strata = data.Strata();
        foreach (List<int> stratum in strata)
        {
            int[] members = stratum.OrderBy(i => position[i]).ToArray();
            int[] counts = Allocation.LargestRemainder(members.Length, ratios);
            int next = 0;
            for (int p = 0; p < counts.Length; p++)
            {
                for (int c = 0; c < counts[p]; c++)
                {
                    part[members[next++]] = p;
                }
            }
        }

        for (int p = 0; p < s_parts.Length; p++)
        {
            context.Report((p + 1) / 4.0, $"writing {s_parts[p]}");
            int current = p;
            long written = data.WriteRows(context, s_parts[p], order.Where(i => part[i] == current), cancellationToken);
            context.Metric($"{s_parts[p]}_rows", written);
        }
        context.Metric("rows", data.Count);
        if (stratify is not null)
        {
            context.Metric("strata", strata.Count);
        }
        context.Report(1, "done");
        return Task.CompletedTask;
    }

    private static string Format(double value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}

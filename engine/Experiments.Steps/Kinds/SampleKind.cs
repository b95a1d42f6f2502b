using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Engine.Util;
using Experiments.Steps.Data;

namespace Experiments.Steps.Kinds;

/// <summary>
/// <c>sample</c>: a seeded random subset without replacement, of <c>n</c> rows or of
/// <c>fraction</c> × rows (rounded half away from zero); exactly one of the two must be given.
/// With <c>stratify</c>, each stratum gets its proportional share (largest remainder). The chosen
/// rows keep their input order.
/// </summary>
public sealed class SampleKind : StepKind
{
    private static readonly StepKindSchema s_schema = DataKindParams.Schema(
        "sample",
        "Draws a seeded random subset of rows (n rows or a fraction), optionally stratified.",
        EquatableArray.Create(DataKindParams.DataInput),
        EquatableArray.Create(
            DataKindParams.OptionalInt("n", "Number of rows to draw (give n or fraction).", min: 0, max: int.MaxValue),
            DataKindParams.OptionalFloat("fraction", "Share of rows to draw, 0 to 1 (give n or fraction).", min: 0, max: 1),
            DataKindParams.Stratify),
        EquatableArray.Create(DataKindParams.Out));

    public override StepKindSchema Schema => s_schema;

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        double? n = DataKindParams.OptionalDouble(context.Params, "n");
        double? fraction = DataKindParams.OptionalDouble(context.Params, "fraction");
        if (n is null == fraction is null)
        {
            throw new StepFailedException("sample: give exactly one of n (a row count) or fraction (a share of rows).");
        }
        if (fraction is < 0 or > 1 || n is < 0)
        {
            throw new StepFailedException("sample: n must be at least 0 and fraction between 0 and 1.");
        }
        string? stratify = context.Params.GetOptionalString("stratify");
        context.Report(0, "reading rows");
        BufferedDataset data = BufferedDataset.Load(context, "data", stratify, cancellationToken);

        long wanted = n is double count
            ? (long)count
            : (long)Math.Round(fraction!.Value * data.Count, MidpointRounding.AwayFromZero);
        if (wanted > data.Count)
        {
            throw new StepFailedException($"sample: n: {wanted} is more than the {data.Count} rows of the input.");
        }

        IReadOnlyList<List<int>> strata = data.Strata();
        int[] counts = Allocation.LargestRemainder((int)wanted, strata.Select(s => (double)s.Count).ToArray());
        var rng = new SeededRandom(context.Seed);
        var chosen = new List<int>((int)wanted);
        for (int s = 0; s < strata.Count; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<int> members = [.. strata[s]];
            rng.Shuffle(members);
            chosen.AddRange(members.Take(counts[s]));
        }
        chosen.Sort();

        context.Report(0.5, "writing sample");
        long written = data.WriteRows(context, "out", chosen, cancellationToken);
        context.Metric("rows", written);
        context.Metric("input_rows", data.Count);
        context.Report(1, "done");
        return Task.CompletedTask;
    }
}

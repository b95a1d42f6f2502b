using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Engine.Util;
using Experiments.Steps.Data;

namespace Experiments.Steps.Kinds;

/// <summary>
/// <c>kfold</c>: the train and test rows of one fold of a k-fold partition. The partition depends
/// only on the input, <c>k</c>, <c>stratify</c>, <c>shuffle</c> and the step's seed, which is derived
/// without <c>fold</c> (<see cref="ParamSpec.AffectsSeed"/>), so a sweep over <c>fold</c> gives
/// disjoint test parts that cover the data. Rows are permuted (when shuffling), grouped by stratum (strata in value order),
/// and dealt to folds round-robin, so fold sizes, and each stratum's share in every fold, differ
/// by at most one row. Outputs keep input order.
/// </summary>
public sealed class KfoldKind : StepKind
{
    private static readonly StepKindSchema s_schema = DataKindParams.Schema(
        "kfold",
        "Gives the train/test rows of one fold of a k-fold partition; sweep 'fold' to get them all.",
        EquatableArray.Create(DataKindParams.DataInput),
        EquatableArray.Create(
            ParamSpec.Int("k", "Number of folds.", @default: 5, min: 2, max: 100),
            ParamSpec.Int("fold", "Which fold is the test part, 0 to k-1.", min: 0, max: 99) with { AffectsSeed = false },
            DataKindParams.Stratify,
            ParamSpec.Bool("shuffle", "Shuffle rows before dealing them to folds; false deals in input order.", @default: true)),
        EquatableArray.Create(
            new OutputSpec("train", ArtifactType.Data, "Rows of every other fold."),
            new OutputSpec("test", ArtifactType.Data, "Rows of this fold.")));

    public override StepKindSchema Schema => s_schema;

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        int k = context.Params.GetInt32("k");
        int fold = context.Params.GetInt32("fold");
        if (k < 2)
        {
            throw new StepFailedException($"kfold: k must be at least 2, got {k}.");
        }
        if (fold < 0 || fold >= k)
        {
            throw new StepFailedException($"kfold: fold {fold} is out of range for k: {k} (folds are 0 to {k - 1}).");
        }
        string? stratify = context.Params.GetOptionalString("stratify");
        context.Report(0, "reading rows");
        BufferedDataset data = BufferedDataset.Load(context, "data", stratify, cancellationToken);
        if (data.Count < k)
        {
            throw new StepFailedException($"kfold: k: {k} folds need at least {k} rows, but the input has {data.Count}.");
        }

        int[] folds = Assign(data, k, context.Params.GetBool("shuffle"), context.Seed);
        context.Report(0.5, "writing folds");
        long train = data.WriteRows(context, "train", Enumerable.Range(0, data.Count).Where(i => folds[i] != fold), cancellationToken);
        long test = data.WriteRows(context, "test", Enumerable.Range(0, data.Count).Where(i => folds[i] == fold), cancellationToken);
        context.Metric("rows", data.Count);
        context.Metric("train_rows", train);
        context.Metric("test_rows", test);
        context.Report(1, "done");
        return Task.CompletedTask;
    }

    /// <summary>The fold of every row.</summary>
    internal static int[] Assign(BufferedDataset data, int k, bool shuffle, long seed)
    {
        int[] order = Enumerable.Range(0, data.Count).ToArray();
        if (shuffle)
        {
            new SeededRandom(seed).Shuffle(order);
        }
        int[] position = new int[data.Count];
        for (int p = 0; p < order.Length; p++)
        {
            position[order[p]] = p;
        }
        int[] folds = new int[data.Count];
        int dealt = 0;
        foreach (List<int> stratum in data.Strata())
        {
            foreach (int row in stratum.OrderBy(i => position[i]))
            {
                folds[row] = dealt++ % k;
            }
        }
        return folds;
    }
}

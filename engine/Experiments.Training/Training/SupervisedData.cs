using Experiments.Engine.Util;

namespace Experiments.Training.Training;

/// <summary>What a fine-tuning run optimises.</summary>
public enum Objective
{
    /// <summary>Next-token loss on prompt/completion pairs (on the completion only unless <c>train_on_inputs</c>).</summary>
    CausalLm,

    /// <summary>Cross-entropy of a classification head over the last real token.</summary>
    Classify,
}

/// <summary>
/// One tokenised fine-tuning example. For <see cref="Objective.CausalLm"/>, <see cref="Ids"/> is
/// prompt + completion + end-of-text and the first <see cref="PromptLength"/> ids are the prompt;
/// for <see cref="Objective.Classify"/> it is the text and <see cref="Label"/> the class id.
/// </summary>
public sealed record SupervisedExample(int[] Ids, int PromptLength, int Label);

/// <summary>
/// Fine-tuning data: examples in a fresh seeded order each epoch, batched and padded to the longest
/// row of each micro-batch. Micro-batch <c>m</c> holds examples <c>m·rows … m·rows + rows − 1</c> of the
/// endless sequence epoch 0's order, epoch 1's order, …, so any batch is computable from its index.
/// </summary>
public sealed class SupervisedData : ITrainingData
{
    private readonly IReadOnlyList<SupervisedExample> _train;
    private readonly Objective _objective;
    private readonly int _rows;
    private readonly int _pad;
    private readonly bool _trainOnInputs;
    private readonly double[]? _classWeights;
    private readonly long _seed;
    private (long Epoch, int[] Order) _order = (-1, []);

    public SupervisedData(
        IReadOnlyList<SupervisedExample> train,
        IReadOnlyList<SupervisedExample> validation,
        Objective objective,
        int rows,
        int padId,
        bool trainOnInputs,
        double[]? classWeights,
        long seed)
    {
        if (train.Count == 0)
        {
            throw new ArgumentException("no training examples", nameof(train));
        }
        _train = train;
        _objective = objective;
        _rows = rows;
        _pad = padId;
        _trainOnInputs = trainOnInputs;
        _classWeights = classWeights;
        _seed = seed;
        MicroBatchesPerEpoch = (train.Count + rows - 1) / rows;
        Validation = validation.Chunk(rows).Select(Build).ToArray();
    }

    public long MicroBatchesPerEpoch { get; }

    public IReadOnlyList<MicroBatch> Validation { get; }

    public MicroBatch Get(long index)
    {
        var rows = new SupervisedExample[_rows];
        for (int j = 0; j < _rows; j++)
        {
            long position = index * _rows + j;
            rows[j] = _train[Order(position / _train.Count)[(int)(position % _train.Count)]];
        }
        return Build(rows);
    }

    private int[] Order(long epoch)
    {
        if (_order.Epoch != epoch)
        {
            int[] order = Enumerable.Range(0, _train.Count).ToArray();
            new SeededRandom(BatchSeeds.Derive(_seed, 2, epoch)).Shuffle(order);
            _order = (epoch, order);
        }
        return _order.Order;
    }

    private MicroBatch Build(SupervisedExample[] rows) =>
        _objective == Objective.CausalLm ? BuildCausal(rows) : BuildClassify(rows);

    private MicroBatch BuildCausal(SupervisedExample[] rows)
    {
        int length = Math.Max(1, rows.Max(r => r.Ids.Length - 1));
        var inputs = new long[rows.Length * length];
        var targets = new long[rows.Length * length];
        Array.Fill(inputs, _pad);
        Array.Fill(targets, MicroBatch.Ignore);
        long weight = 0;
        long tokens = 0;
        for (int row = 0; row < rows.Length; row++)
        {
            int[] ids = rows[row].Ids;
            int firstTarget = _trainOnInputs ? 0 : Math.Max(0, rows[row].PromptLength - 1);
            for (int t = 0; t < ids.Length - 1; t++)
            {
                inputs[row * length + t] = ids[t];
                if (t >= firstTarget)
                {
                    targets[row * length + t] = ids[t + 1];
                    weight++;
                }
            }
            tokens += Math.Max(0, ids.Length - 1);
        }
        return new MicroBatch { Rows = rows.Length, Length = length, Inputs = inputs, Targets = targets, Weight = weight, Tokens = tokens };
    }

    private MicroBatch BuildClassify(SupervisedExample[] rows)
    {
        int length = Math.Max(1, rows.Max(r => r.Ids.Length));
        var inputs = new long[rows.Length * length];
        Array.Fill(inputs, _pad);
        var labels = new long[rows.Length];
        var last = new long[rows.Length];
        double weight = 0;
        long tokens = 0;
        for (int row = 0; row < rows.Length; row++)
        {
            int[] ids = rows[row].Ids;
            for (int t = 0; t < ids.Length; t++)
            {
                inputs[row * length + t] = ids[t];
            }
            labels[row] = rows[row].Label;
            last[row] = Math.Max(0, ids.Length - 1);
            weight += _classWeights?[rows[row].Label] ?? 1.0;
            tokens += ids.Length;
        }
        return new MicroBatch { Rows = rows.Length, Length = length, Inputs = inputs, Labels = labels, LastIndex = last, Weight = weight, Tokens = tokens };
    }
}

using Experiments.Engine.Execution;
using Experiments.Engine.Util;

namespace Experiments.Training.Training;

/// <summary>
/// Causal-LM pretraining data: every document's tokens followed by end-of-text, concatenated into
/// one stream; each row of a micro-batch is a window of <c>context + 1</c> tokens at a random offset
/// (nanoGPT's sampling), drawn from a seed derived from the batch index. Validation uses fixed,
/// non-overlapping windows so its loss is comparable between evaluations.
/// </summary>
public sealed class LanguageModelData : ITrainingData
{
    private const int MaxValidationWindows = 64;
    private readonly int[] _train;
    private readonly int _context;
    private readonly int _rows;
    private readonly long _seed;

    public LanguageModelData(int[] train, int[] validation, int context, int rows, long seed)
    {
        if (train.Length < 2)
        {
            throw new StepFailedException($"the training corpus has {train.Length} token(s); it needs at least 2.");
        }
        _train = train;
        _context = Math.Min(context, train.Length - 1);
        _rows = rows;
        _seed = seed;
        MicroBatchesPerEpoch = Math.Max(1, (train.Length - 1 + (long)_rows * _context - 1) / ((long)_rows * _context));
        Validation = ValidationBatches(validation, Math.Min(context, Math.Max(1, validation.Length - 1)), rows);
    }

    public long MicroBatchesPerEpoch { get; }

    public IReadOnlyList<MicroBatch> Validation { get; }

    public long StreamTokens => _train.Length;

    public MicroBatch Get(long index)
    {
        var rng = new SeededRandom(BatchSeeds.Derive(_seed, 1, index));
        int length = _context;
        var inputs = new long[_rows * length];
        var targets = new long[_rows * length];
        int span = _train.Length - length;
        for (int row = 0; row < _rows; row++)
        {
            int offset = rng.Next(span);
            for (int t = 0; t < length; t++)
            {
                inputs[row * length + t] = _train[offset + t];
                targets[row * length + t] = _train[offset + t + 1];
            }
        }
        return new MicroBatch
        {
            Rows = _rows, Length = length, Inputs = inputs, Targets = targets,
            Weight = _rows * length, Tokens = _rows * length,
        };
    }

    private static List<MicroBatch> ValidationBatches(int[] stream, int length, int rows)
    {
        var batches = new List<MicroBatch>();
        if (stream.Length < 2)
        {
            return batches;
        }
        int windows = Math.Min(MaxValidationWindows, (stream.Length - 1) / length);
        for (int first = 0; first < windows; first += rows)
        {
            int count = Math.Min(rows, windows - first);
            var inputs = new long[count * length];
            var targets = new long[count * length];
            for (int row = 0; row < count; row++)
            {
                int offset = (first + row) * length;
                for (int t = 0; t < length; t++)
                {
                    inputs[row * length + t] = stream[offset + t];
                    targets[row * length + t] = stream[offset + t + 1];
                }
            }
            batches.Add(new MicroBatch
            {
                Rows = count, Length = length, Inputs = inputs, Targets = targets,
                Weight = count * length, Tokens = count * length,
            });
        }
        return batches;
    }
}

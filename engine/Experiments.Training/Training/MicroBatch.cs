namespace Experiments.Training.Training;

/// <summary>
/// One micro-batch on the host, ready to become tensors: <see cref="Rows"/> sequences of
/// <see cref="Length"/> input ids, and either next-token targets (-100 where no loss is taken) or
/// one class label per row with the index of its last real token.
/// </summary>
public sealed class MicroBatch
{
    public const long Ignore = -100;

    public required int Rows { get; init; }

    public required int Length { get; init; }

    /// <summary>[Rows × Length] input ids.</summary>
    public required long[] Inputs { get; init; }

    /// <summary>[Rows × Length] target ids for language modelling, <see cref="Ignore"/> where no loss is taken.</summary>
    public long[]? Targets { get; init; }

    /// <summary>[Rows] class ids for classification.</summary>
    public long[]? Labels { get; init; }

    /// <summary>[Rows] position of each row's last real token (classification pools there).</summary>
    public long[]? LastIndex { get; init; }

    /// <summary>
    /// What this batch adds to the loss's denominator: the number of target tokens (or the summed
    /// class weights). The loop divides the summed loss of a whole accumulation window by the
    /// window's total, so batch 4 × accumulate 4 takes the same step as batch 16 × accumulate 1.
    /// </summary>
    public required double Weight { get; init; }

    /// <summary>Real (non-padding) input tokens, for tokens/s.</summary>
    public required long Tokens { get; init; }
}

/// <summary>
/// Training data as a deterministic function of the micro-batch index: the same index always gives
/// the same batch, so a resumed run sees exactly the batches an uninterrupted one would.
/// </summary>
public interface ITrainingData
{
    /// <summary>Micro-batches that make one pass over the data (for <c>num_epochs</c>).</summary>
    long MicroBatchesPerEpoch { get; }

    MicroBatch Get(long index);

    /// <summary>The validation set, in fixed batches; empty when there is none.</summary>
    IReadOnlyList<MicroBatch> Validation { get; }
}

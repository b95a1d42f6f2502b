namespace Experiments.Metrics.Classification;

/// <summary>How per-class precision, recall and F1 become one number (scikit-learn's <c>average=</c>).</summary>
public enum Averaging
{
    /// <summary>The positive class only (<c>average="binary"</c>).</summary>
    Binary,

    /// <summary>The unweighted mean over classes.</summary>
    Macro,

    /// <summary>From the counts summed over classes (equals accuracy for single-label multiclass).</summary>
    Micro,

    /// <summary>The mean over classes weighted by support (true count).</summary>
    Weighted,
}

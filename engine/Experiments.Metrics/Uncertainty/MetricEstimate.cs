using System.Text.Json.Serialization;

namespace Experiments.Metrics.Uncertainty;

/// <summary>How an interval was made; the strings are the <c>method</c> field of the metrics document.</summary>
public static class IntervalMethods
{
    public const string BootstrapPercentile = "bootstrap-percentile";
    public const string Wilson = "wilson";
    public const string Normal = "normal";
    public const string StudentT = "student-t";
    public const string Exact = "exact";
    public const string None = "none";
}

/// <summary>
/// One reported number with its uncertainty: the point estimate, the interval (null when the
/// method gives none), the number of examples (or folds, seeds) it rests on, and how the interval
/// was made. This is one entry of the metrics document's <c>metrics</c> object.
/// </summary>
public sealed record MetricEstimate(double Value, double? CiLow, double? CiHigh, long N, string Method)
{
    /// <summary>Coverage of the interval (0.95 for a 95% interval).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Confidence { get; init; }

    /// <summary>Bootstrap iterations, when bootstrapped.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Iterations { get; init; }

    /// <summary>The resampling seed, when bootstrapped.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Seed { get; init; }

    /// <summary>Closed-form or bootstrap standard error, where one is reported.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? StandardError { get; init; }

    /// <summary>A point estimate without an interval.</summary>
    public static MetricEstimate PointOnly(double value, long n) => new(value, null, null, n, IntervalMethods.None);
}

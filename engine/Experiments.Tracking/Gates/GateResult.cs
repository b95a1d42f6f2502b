using Experiments.Engine.Spec;

namespace Experiments.Tracking.Gates;

/// <summary>The result of a step a gate reads: its node id (name plus variant), step name and cached entry.</summary>
public sealed record GateInput(string NodeId, string StepName, Engine.Store.ActionEntry? Entry)
{
    /// <summary>The node's sweep assignment (dimension, label), as in its id; empty for a shared node.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variant { get; init; } = [];
}

/// <summary>
/// One gate on one node: the values compared, the paired-bootstrap interval of the change where
/// per-example scores exist (in the metric's units, current minus baseline), and the verdict.
/// </summary>
public sealed record GateResult(
    GateStatement Gate,
    string NodeId,
    string Metric,
    double? Current,
    double? Baseline,
    double? Low,
    double? High,
    int? Examples,
    bool Passed,
    string Message,
    string Code)
{
    public double? Delta => Current is { } c && Baseline is { } b ? c - b : null;

    /// <summary>What the condition says, as written (<c>&gt;= 0.8</c>, <c>no_regression(...)</c>).</summary>
    public string Condition => Gate.Condition switch
    {
        ComparisonCondition comparison => $"{comparison.Operator} {(comparison.Threshold is NumberValue n ? n.Text : "?")}",
        _ => "no_regression",
    };
}

namespace Experiments.Engine.Execution;

/// <summary>
/// Receives the metric series a step reports while it runs (training loss per step, learning rate,
/// tokens per second). The store keeps every point beside the step's log; tracking (ledger, MLflow)
/// plugs in here to see the points as they happen.
/// </summary>
public interface IMetricSink
{
    void Record(MetricPoint point);
}

/// <summary>One point of a series: its name, the step (training step, epoch…) and the value.</summary>
public readonly record struct MetricPoint(string Name, long Step, double Value, DateTimeOffset Timestamp);

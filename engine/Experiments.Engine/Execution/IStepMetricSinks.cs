using Experiments.Engine.Compile;

namespace Experiments.Engine.Execution;

/// <summary>
/// Gives the scheduler a live sink for each step it executes (tracking records the points as they
/// happen); null for a step nobody listens to.
/// </summary>
public interface IStepMetricSinks
{
    IMetricSink? ForStep(StepNode node, string key);
}

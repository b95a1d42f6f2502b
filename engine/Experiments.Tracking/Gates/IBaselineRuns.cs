using Experiments.Engine.Compile;

namespace Experiments.Tracking.Gates;

/// <summary>Finds a baseline run's latest metrics (by <c>step.metric</c> key) on a tracking server.</summary>
public interface IBaselineRuns
{
    /// <summary>The metrics of the newest finished run that matches, with its id; null when none matches.</summary>
    Task<(string RunId, IReadOnlyDictionary<string, double> Metrics)?> FindAsync(string experiment, BaselineMlflow source, CancellationToken cancellationToken);
}

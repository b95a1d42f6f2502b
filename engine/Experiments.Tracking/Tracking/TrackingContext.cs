using Experiments.Tracking.Provenance;

namespace Experiments.Tracking.Tracking;

/// <summary>
/// What a tracked invocation knows besides its graph: the command-line overrides it was given (so
/// `exp reproduce` can repeat them), the git state, who ran it, and whether MLflow is configured
/// (then every event is also queued for delivery).
/// </summary>
public sealed record TrackingContext(
    IReadOnlyList<string> Overrides,
    GitState? Git,
    string User,
    bool QueueForMlflow)
{
    /// <summary>
    /// A sweep with more variants than this is recorded as one run (tagged <c>exp.variants</c>)
    /// instead of one child per variant (<c>EXP_MAX_CHILD_RUNS</c>, default 256).
    /// </summary>
    public int MaxChildRuns { get; init; } = 256;
}

using Experiments.Engine.Compile;
using Experiments.Engine.Keys;

namespace Experiments.Engine.Scheduling;

/// <summary>
/// Why a step whose upstream has yet to run will run: its own changes since its last recorded
/// key (params, kind, files; its inputs are not known yet), then the upstream step that runs first.
/// </summary>
internal static class PendingReasons
{
    public static List<string> Explain(
        KeyDescription? previous, StepNode node, long experimentSeed, IReadOnlyDictionary<string, string> sourceDigests, StepNode pendingUpstream)
    {
        var reasons = new List<string>();
        if (previous is not null)
        {
            // Compare everything but the inputs, which are not known until upstream runs.
            KeyDescription candidate = StepKeys.Describe(node, experimentSeed, previous.Inputs, sourceDigests);
            reasons.AddRange(KeyDiff.Explain(previous, candidate, node).Where(r =>
                r.StartsWith("param ", StringComparison.Ordinal) || r.StartsWith("kind ", StringComparison.Ordinal) || r.StartsWith("file ", StringComparison.Ordinal)));
        }
        else
        {
            reasons.Add(KeyDiff.NewStep);
        }
        reasons.Add($"upstream {pendingUpstream.Id} will run");
        return reasons;
    }
}

using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Fairness;

/// <summary>
/// Counterfactual flip rate: over pairs of inputs that differ only in a sensitive attribute
/// (see <see cref="CounterfactualSwaps"/>), the share whose prediction changed. 0 means the model
/// ignored the attribute on these inputs. Predictions are compared as strings, so labels and
/// generated text both work; the audit step passes only pairs where a swap happened.
/// </summary>
public static class Counterfactual
{
    public static double FlipRate(IReadOnlyList<string> original, IReadOnlyList<string> counterfactual) =>
        Statistics(original, counterfactual).Value;

    /// <summary>Per pair whether the prediction flipped: a proportion, with its bootstrap.</summary>
    public static SufficientStatistics Statistics(IReadOnlyList<string> original, IReadOnlyList<string> counterfactual)
    {
        if (original.Count != counterfactual.Count)
        {
            throw new ArgumentException($"{original.Count} original predictions but {counterfactual.Count} counterfactual ones");
        }
        return SufficientStatistics.Proportion(original.Select((p, i) => !string.Equals(p, counterfactual[i], StringComparison.Ordinal)).ToArray());
    }
}

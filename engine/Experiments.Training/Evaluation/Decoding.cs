using Experiments.Engine.Execution;
using Experiments.Engine.Util;

namespace Experiments.Training.Evaluation;

/// <summary>
/// The guide's decoding strategies for one next token: greedy (the most likely token), or sampling
/// from the temperature-scaled distribution cut to the <c>top_k</c> most likely tokens and then to
/// the smallest set whose probability reaches <c>top_p</c> (nucleus), as Hugging Face's
/// <c>generate</c> applies them. Pure host code over one row of logits, so the same logits and
/// random stream always give the same token, whatever the batch.
/// </summary>
public sealed record Decoding
{
    public bool Greedy { get; init; } = true;

    /// <summary>Divides the logits before sampling; 0 samples greedily.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>0: no cut.</summary>
    public int TopK { get; init; }

    /// <summary>1: no cut.</summary>
    public double TopP { get; init; } = 1.0;

    public int MaxNewTokens { get; init; } = 32;

    public static Decoding From(StepParameters p) => new()
    {
        Greedy = p.GetString("decoding") == "greedy",
        Temperature = p.GetDouble("temperature"),
        TopK = p.GetInt32("top_k"),
        TopP = p.GetDouble("top_p"),
        MaxNewTokens = p.GetInt32("max_new_tokens"),
    };

    /// <summary>How the settings read in the metrics document's <c>info</c>.</summary>
    public string Describe() => Greedy
        ? $"greedy, max_new_tokens {MaxNewTokens}"
        : FormattableString.Invariant($"sample, temperature {Temperature}, top_k {TopK}, top_p {TopP}, max_new_tokens {MaxNewTokens}");

    /// <summary>The next token from one row of logits; <paramref name="random"/> is used only when sampling.</summary>
    public int Next(ReadOnlySpan<float> logits, SeededRandom random)
    {
        int best = ArgMax(logits);
        if (Greedy || Temperature <= 0)
        {
            return best;
        }
        // Softmax of logits / T in doubles, shifted by the maximum: as T → 0 every weight but the
        // maximum's underflows to 0, so sampling becomes greedy (ties aside).
        var weights = new double[logits.Length];
        double max = logits[best];
        for (int i = 0; i < logits.Length; i++)
        {
            weights[i] = Math.Exp((logits[i] - max) / Temperature);
        }
        int[] order = Enumerable.Range(0, logits.Length).ToArray();
        // Descending weight; equal weights by id, so the cut is deterministic.
        Array.Sort(order, (a, b) => weights[b] != weights[a] ? weights[b].CompareTo(weights[a]) : a.CompareTo(b));
        int keep = TopK > 0 ? Math.Min(TopK, order.Length) : order.Length;
        double total = 0;
        for (int i = 0; i < keep; i++)
        {
            total += weights[order[i]];
        }
        if (TopP < 1)
        {
            double cumulative = 0;
            for (int i = 0; i < keep; i++)
            {
                cumulative += weights[order[i]] / total;
                if (cumulative >= TopP)
                {
                    keep = i + 1;
                    break;
                }
            }
            total = 0;
            for (int i = 0; i < keep; i++)
            {
                total += weights[order[i]];
            }
        }
        double draw = random.NextDouble() * total;
        for (int i = 0; i < keep; i++)
        {
            draw -= weights[order[i]];
            if (draw < 0)
            {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}

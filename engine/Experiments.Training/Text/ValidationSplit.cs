using Experiments.Engine.Util;

namespace Experiments.Training.Text;

/// <summary>Holds out a seeded share of rows for validation when the experiment gives no `val` input.</summary>
internal static class ValidationSplit
{
    /// <summary>The held-out rows and the rest, each in their original order.</summary>
    public static (List<T> Train, List<T> Validation) HoldOut<T>(List<T> rows, double share, long seed)
    {
        int count = (int)Math.Round(rows.Count * share);
        if (count == 0)
        {
            return (rows, []);
        }
        int[] order = Enumerable.Range(0, rows.Count).ToArray();
        new SeededRandom(seed).Shuffle(order);
        var held = order.Take(count).ToHashSet();
        return (rows.Where((_, i) => !held.Contains(i)).ToList(), rows.Where((_, i) => held.Contains(i)).ToList());
    }
}

namespace Experiments.Steps.Data;

/// <summary>Exact, reproducible integer shares of a total.</summary>
public static class Allocation
{
    /// <summary>
    /// Splits <paramref name="total"/> into integer counts proportional to <paramref name="weights"/>
    /// (largest-remainder method): each part gets the floor of its exact share, and the units left
    /// over go to the largest fractional parts, ties to the earlier part. The counts always sum to
    /// <paramref name="total"/> and depend only on the arguments.
    /// </summary>
    public static int[] LargestRemainder(int total, IReadOnlyList<double> weights)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        double sum = weights.Sum();
        int[] counts = new int[weights.Count];
        if (total == 0 || sum <= 0)
        {
            return counts;
        }
        double[] remainders = new double[weights.Count];
        int assigned = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            double exact = total * (weights[i] / sum);
            counts[i] = Math.Min(total, (int)Math.Floor(exact));
            remainders[i] = exact - counts[i];
            assigned += counts[i];
        }
        int[] order = Enumerable.Range(0, weights.Count)
            .OrderByDescending(i => remainders[i])
            .ThenBy(i => i)
            .ToArray();
        for (int k = 0; assigned < total; k = (k + 1) % order.Length)
        {
            if (weights[order[k]] > 0)
            {
                counts[order[k]]++;
                assigned++;
            }
        }
        for (int k = order.Length - 1; assigned > total; k = (k - 1 + order.Length) % order.Length)
        {
            if (counts[order[k]] > 0)
            {
                counts[order[k]]--;
                assigned--;
            }
        }
        return counts;
    }
}

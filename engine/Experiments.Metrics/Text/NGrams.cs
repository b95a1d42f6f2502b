namespace Experiments.Metrics.Text;

/// <summary>N-gram counting over token lists (keys joined with U+0001, which tokens never hold).</summary>
internal static class NGrams
{
    public static Dictionary<string, int> Count(IReadOnlyList<string> tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            string key = n == 1 ? tokens[i] : string.Join('\u0001', tokens.Skip(i).Take(n));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }

    /// <summary>All orders 1..maxOrder in one dictionary (the order is implied by the key).</summary>
    public static Dictionary<string, int> CountAll(IReadOnlyList<string> tokens, int maxOrder)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 1; n <= maxOrder; n++)
        {
            for (int i = 0; i + n <= tokens.Count; i++)
            {
                string key = n == 1 ? tokens[i] : string.Join('\u0001', tokens.Skip(i).Take(n));
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }
        return counts;
    }

    /// <summary>Order of a key made by <see cref="CountAll"/>.</summary>
    public static int Order(string key)
    {
        int order = 1;
        foreach (char c in key)
        {
            if (c == '\u0001')
            {
                order++;
            }
        }
        return order;
    }
}

namespace Experiments.Metrics.Text;

/// <summary>N-gram counting over token lists (keys joined with U+0001, which tokens never hold).</summary>
internal static class NGrams
{
    private const string Separator = "\u0001";

    public static Dictionary<string, int> Count(IReadOnlyList<string> tokens, int n)
    {
        string[] array = tokens as string[] ?? [.. tokens];
        var counts = new Dictionary<string, int>(Math.Max(0, array.Length - n + 1), StringComparer.Ordinal);
        AddOrder(counts, array, n);
        return counts;
    }

    /// <summary>All orders 1..maxOrder in one dictionary (the order is implied by the key).</summary>
    public static Dictionary<string, int> CountAll(IReadOnlyList<string> tokens, int maxOrder)
    {
        string[] array = tokens as string[] ?? [.. tokens];
        var counts = new Dictionary<string, int>(array.Length * maxOrder, StringComparer.Ordinal);
        for (int n = 1; n <= maxOrder; n++)
        {
            AddOrder(counts, array, n);
        }
        return counts;
    }

    private static void AddOrder(Dictionary<string, int> counts, string[] tokens, int n)
    {
        for (int i = 0; i + n <= tokens.Length; i++)
        {
            string key = n == 1 ? tokens[i] : string.Join(Separator, tokens, i, n);
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _)++;
        }
    }

    /// <summary>Order of a key made by <see cref="CountAll"/>.</summary>
    public static int Order(string key) => key.AsSpan().Count('\u0001') + 1;
}

namespace Experiments.Metrics.Reports;

/// <summary>Checks requested metric names against a catalogue, with a did-you-mean for typos.</summary>
internal static class MetricNames
{
    public static void Check(IEnumerable<string> requested, IReadOnlyCollection<string> known, string kind)
    {
        foreach (string name in requested)
        {
            if (!known.Contains(name))
            {
                string? nearest = known.OrderBy(k => Distance(k, name)).FirstOrDefault();
                string hint = nearest is not null && Distance(nearest, name) <= 3 ? $" Did you mean `{nearest}`?" : "";
                throw new ArgumentException($"unknown {kind} metric `{name}`.{hint} Known: {string.Join(", ", known)}");
            }
        }
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }
        return d[a.Length, b.Length];
    }
}

using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Fairness;

/// <summary>
/// Binary labels, binary decisions and a group per example, encoded for resampling: one table
/// row per (group, y, ŷ) cell with that cell's one-hot contribution to the per-group
/// [tp, fp, fn, tn] counts. Any fairness metric is a finalizer over those sums, so its bootstrap
/// interval costs one binomial draw per occupied cell per iteration.
/// </summary>
public sealed class GroupStatistics
{
    private GroupStatistics(string[] groups, SufficientStatistics statistics)
    {
        Groups = groups;
        Statistics = statistics;
    }

    /// <summary>The group names, sorted ordinally (the order of the per-group sums).</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>The encoded examples (finalizer: demographic parity difference).</summary>
    public SufficientStatistics Statistics { get; }

    public static GroupStatistics Create(ReadOnlySpan<bool> yTrue, ReadOnlySpan<bool> yPred, IReadOnlyList<string> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (yTrue.Length != yPred.Length || yTrue.Length != groups.Count)
        {
            throw new ArgumentException($"{yTrue.Length} labels, {yPred.Length} decisions and {groups.Count} groups must match");
        }
        string[] names = groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int g = 0; g < names.Length; g++)
        {
            index[names[g]] = g;
        }
        int width = 4 * names.Length;
        var table = new double[names.Length * 4 * width];
        for (int row = 0; row < names.Length * 4; row++)
        {
            table[(row * width) + row] = 1;
        }
        var ids = new int[yTrue.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            // Column order within a group: tp, fp, fn, tn.
            int cell = (yTrue[i], yPred[i]) switch
            {
                (true, true) => 0,
                (false, true) => 1,
                (true, false) => 2,
                (false, false) => 3,
            };
            ids[i] = (4 * index[groups[i]]) + cell;
        }
        var statistics = SufficientStatistics.FromTable(width, table, ids, sums => FairnessMetrics.DemographicParityDifference(Rates(names, sums)));
        return new GroupStatistics(names, statistics);
    }

    /// <summary>The per-group rates on all examples.</summary>
    public IReadOnlyList<GroupRates> Rates()
    {
        var sums = new double[Statistics.Width];
        Statistics.Sum(sums);
        return Rates(Groups, sums);
    }

    /// <summary>The statistics finalized by another fairness metric.</summary>
    public SufficientStatistics For(Func<IReadOnlyList<GroupRates>, double> metric)
    {
        IReadOnlyList<string> names = Groups;
        return Statistics.WithFinalizer(sums => metric(Rates(names, sums)));
    }

    public static IReadOnlyList<GroupRates> Rates(IReadOnlyList<string> groups, ReadOnlySpan<double> sums)
    {
        var rates = new GroupRates[groups.Count];
        for (int g = 0; g < groups.Count; g++)
        {
            rates[g] = new GroupRates(groups[g], sums[4 * g], sums[(4 * g) + 1], sums[(4 * g) + 2], sums[(4 * g) + 3]);
        }
        return rates;
    }

    /// <summary>The intersection of two attributes as one group name per example ("female & young").</summary>
    public static string[] Intersect(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        if (first.Count != second.Count)
        {
            throw new ArgumentException($"{first.Count} and {second.Count} attribute values must match");
        }
        return first.Select((a, i) => a + " & " + second[i]).ToArray();
    }
}

using System.Runtime.InteropServices;

namespace Experiments.Metrics.Uncertainty;

/// <summary>Turns summed statistics into a metric value (accuracy, F1, corpus BLEU, ...).</summary>
public delegate double StatisticFinalizer(ReadOnlySpan<double> sums);

/// <summary>
/// A metric written as a function of per-example statistics that add up: each example
/// contributes a row of <see cref="Width"/> numbers, and the metric is
/// <see cref="Finalize"/>(sum of the rows). Accuracy is (correct, 1); per-class F1 is
/// (tp, predicted, actual) per class; corpus BLEU is (hyp length, ref length, matches, totals);
/// expected calibration error is (count, confidence, correct) per bin. Every resampling method
/// here (bootstrap, paired bootstrap, approximate randomisation) works on this one shape.
/// <para>
/// Rows are stored dictionary-encoded: a table of rows and, per example, the index of its row.
/// Rows that repeat (0/1 outcomes, confusion cells) are resampled as multinomial counts of the
/// distinct rows, which costs one binomial draw per distinct row instead of one index per
/// example, and a million classification examples take four bytes each.
/// </para>
/// </summary>
public sealed class SufficientStatistics
{
    private readonly double[] _table;
    private int[]? _ids;
    private DistinctRows? _distinct;

    /// <summary>Dense rows: example i's row is rows[i·width .. (i+1)·width).</summary>
    public SufficientStatistics(int width, double[] rows, StatisticFinalizer finalize)
        : this(width, rows, null, finalize)
    {
    }

    private SufficientStatistics(int width, double[] table, int[]? ids, StatisticFinalizer finalize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(finalize);
        if (table.Length % width != 0)
        {
            throw new ArgumentException($"{table.Length} values do not make whole rows of {width}", nameof(table));
        }
        Width = width;
        _table = table;
        _ids = ids;
        Count = ids?.Length ?? table.Length / width;
        Finalize = finalize;
    }

    /// <summary>
    /// Dictionary-encoded rows: example i's row is row <paramref name="rowOfExample"/>[i] of
    /// <paramref name="table"/>. The compact form for categorical data.
    /// </summary>
    public static SufficientStatistics FromTable(int width, double[] table, int[] rowOfExample, StatisticFinalizer finalize)
    {
        ArgumentNullException.ThrowIfNull(rowOfExample);
        int rows = table.Length / width;
        foreach (int id in rowOfExample)
        {
            if ((uint)id >= (uint)rows)
            {
                throw new ArgumentOutOfRangeException(nameof(rowOfExample), id, $"a row of the table (0..{rows - 1})");
            }
        }
        return new SufficientStatistics(width, table, rowOfExample, finalize);
    }

    /// <summary>Examples.</summary>
    public int Count { get; }

    /// <summary>Numbers per example.</summary>
    public int Width { get; }

    public StatisticFinalizer Finalize { get; }

    /// <summary>The metric on all examples.</summary>
    public double Value
    {
        get
        {
            var sums = new double[Width];
            Sum(sums);
            return Finalize(sums);
        }
    }

    /// <summary>One example's row.</summary>
    public ReadOnlySpan<double> Row(int index) => _table.AsSpan((_ids is null ? index : _ids[index]) * Width, Width);

    /// <summary>The same examples with another finalizer (several metrics from one set of counts).</summary>
    public SufficientStatistics WithFinalizer(StatisticFinalizer finalize) => new(Width, _table, _ids, finalize);

    /// <summary>The mean of per-example scores: rows (score, 1).</summary>
    public static SufficientStatistics Mean(ReadOnlySpan<double> scores)
    {
        var rows = new double[scores.Length * 2];
        for (int i = 0; i < scores.Length; i++)
        {
            rows[2 * i] = scores[i];
            rows[(2 * i) + 1] = 1;
        }
        return new SufficientStatistics(2, rows, static sums => sums[1] == 0 ? double.NaN : sums[0] / sums[1]);
    }

    /// <summary>The share of true outcomes (accuracy, exact match): rows (1, 1) and (0, 1), four bytes per example.</summary>
    public static SufficientStatistics Proportion(ReadOnlySpan<bool> outcomes)
    {
        var ids = new int[outcomes.Length];
        for (int i = 0; i < outcomes.Length; i++)
        {
            ids[i] = outcomes[i] ? 0 : 1;
        }
        return new SufficientStatistics(2, [1, 1, 0, 1], ids, static sums => sums[1] == 0 ? double.NaN : sums[0] / sums[1]);
    }

    /// <summary>
    /// Two systems on the same examples side by side: row i is (a's row i, b's row i) and the value
    /// is metric(a) − metric(b). Resampling this keeps the pairing.
    /// </summary>
    public static SufficientStatistics Difference(SufficientStatistics a, SufficientStatistics b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"paired systems need the same examples: {a.Count} against {b.Count}");
        }
        int wa = a.Width;
        int wb = b.Width;
        int width = wa + wb;
        StatisticFinalizer fa = a.Finalize;
        StatisticFinalizer fb = b.Finalize;
        StatisticFinalizer finalize = sums => fa(sums[..wa]) - fb(sums[wa..]);

        // Pair the row ids when both sides are encoded, so the pair stays compact.
        if (a.Encode() is { } aIds && b.Encode() is { } bIds)
        {
            var pairs = new Dictionary<(int, int), int>();
            var ids = new int[a.Count];
            var table = new List<double>();
            for (int i = 0; i < a.Count; i++)
            {
                ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(pairs, (aIds[i], bIds[i]), out bool exists);
                if (!exists)
                {
                    slot = pairs.Count - 1;
                    table.AddRange(a.Row(i));
                    table.AddRange(b.Row(i));
                }
                ids[i] = slot;
            }
            return new SufficientStatistics(width, table.ToArray(), ids, finalize);
        }

        var rows = new double[a.Count * width];
        for (int i = 0; i < a.Count; i++)
        {
            a.Row(i).CopyTo(rows.AsSpan(i * width, wa));
            b.Row(i).CopyTo(rows.AsSpan((i * width) + wa, wb));
        }
        return new SufficientStatistics(width, rows, null, finalize);
    }

    /// <summary>Adds every row into <paramref name="sums"/> (cleared first).</summary>
    public void Sum(Span<double> sums)
    {
        sums.Clear();
        for (int i = 0; i < Count; i++)
        {
            Add(sums, Row(i), 1);
        }
    }

    /// <summary>
    /// The distinct rows and how often each occurs, most frequent first, or null when there are
    /// more than <paramref name="maxDistinct"/> (then resampling draws indices).
    /// </summary>
    internal DistinctRows? Distinct(int maxDistinct)
    {
        if (_distinct is null)
        {
            int[]? ids = Encode(maxDistinct);
            if (ids is null)
            {
                return null;
            }
            var counts = new long[_table.Length / Width];
            foreach (int id in ids)
            {
                counts[id]++;
            }
            int[] order = Enumerable.Range(0, counts.Length).Where(j => counts[j] > 0).OrderByDescending(j => counts[j]).ThenBy(j => j).ToArray();
            var rows = new double[order.Length * Width];
            var ordered = new long[order.Length];
            for (int j = 0; j < order.Length; j++)
            {
                _table.AsSpan(order[j] * Width, Width).CopyTo(rows.AsSpan(j * Width, Width));
                ordered[j] = counts[order[j]];
            }
            _distinct = new DistinctRows(rows, ordered);
        }
        return _distinct.Counts.Length <= maxDistinct ? _distinct : null;
    }

    /// <summary>
    /// Per-example row ids into the table; dense rows are encoded on first use (and stay dense,
    /// returning null, when they have more than <paramref name="maxDistinct"/> distinct rows).
    /// </summary>
    private int[]? Encode(int maxDistinct = int.MaxValue)
    {
        if (_ids is not null)
        {
            return _ids;
        }
        var index = new Dictionary<RowKey, int>();
        var ids = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(index, new RowKey(_table, i * Width, Width), out bool exists);
            if (!exists)
            {
                if (index.Count > maxDistinct)
                {
                    return null;
                }
                slot = i;
            }
            ids[i] = slot;
        }
        // Ids point into the dense table itself (the first occurrence of each row).
        _ids = ids;
        return ids;
    }

    internal static void Add(Span<double> sums, ReadOnlySpan<double> row, double times)
    {
        for (int k = 0; k < row.Length; k++)
        {
            sums[k] += row[k] * times;
        }
    }

    /// <summary>Distinct rows (flattened) with their multiplicities.</summary>
    internal sealed record DistinctRows(double[] Rows, long[] Counts);

    private readonly struct RowKey(double[] values, int offset, int width) : IEquatable<RowKey>
    {
        private ReadOnlySpan<double> Span => values.AsSpan(offset, width);

        public bool Equals(RowKey other) => Span.SequenceEqual(other.Span);

        public override bool Equals(object? obj) => obj is RowKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (double v in Span)
            {
                hash.Add(v);
            }
            return hash.ToHashCode();
        }
    }
}

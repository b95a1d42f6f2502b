using Experiments.Engine.Execution;
using Experiments.Tracking.Ledger;

namespace Experiments.Tracking.Tracking;

/// <summary>
/// Collects the metric points steps report while they run and commits them to the ledger in
/// batches (every <see cref="FlushInterval"/> or <see cref="MaxBuffered"/> points): one SQLite
/// transaction per point would cost a training loop more than its step.
/// </summary>
internal sealed class LiveMetricBuffer : IDisposable
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(500);
    public const int MaxBuffered = 2000;

    private readonly RunLedger _ledger;
    private readonly object _lock = new();
    private readonly List<(IReadOnlyList<string> Runs, MetricRow Row)> _buffer = [];
    private readonly Timer _timer;

    public LiveMetricBuffer(RunLedger ledger)
    {
        _ledger = ledger;
        _timer = new Timer(_ => Flush(), null, FlushInterval, FlushInterval);
    }

    public void Add(IReadOnlyList<string> runs, MetricRow row)
    {
        bool full;
        lock (_lock)
        {
            _buffer.Add((runs, row));
            full = _buffer.Count >= MaxBuffered;
        }
        if (full)
        {
            Flush();
        }
    }

    public void Flush()
    {
        (IReadOnlyList<string> Runs, MetricRow Row)[] points;
        lock (_lock)
        {
            if (_buffer.Count == 0)
            {
                return;
            }
            points = [.. _buffer];
            _buffer.Clear();
        }
        _ledger.Write(w =>
        {
            foreach (var group in points.SelectMany(p => p.Runs.Select(r => (Run: r, p.Row))).GroupBy(p => p.Run))
            {
                w.LogMetrics(group.Key, group.Select(p => p.Row));
            }
        });
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }

    /// <summary>The sink one step writes to: its points go to the runs that own the step.</summary>
    public sealed class StepSink(LiveMetricBuffer buffer, IReadOnlyList<string> runs, string prefix, Action onPoint) : IMetricSink
    {
        public void Record(MetricPoint point)
        {
            onPoint();
            buffer.Add(runs, new MetricRow(prefix + point.Name, point.Step, point.Timestamp.ToUnixTimeMilliseconds(), point.Value));
        }
    }
}

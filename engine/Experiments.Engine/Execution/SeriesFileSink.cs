using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Experiments.Engine.Execution;

/// <summary>
/// Writes a step's metric points as JSON lines (<c>{"name","step","value","timestamp"}</c>) and
/// forwards each to an optional further sink. Thread-safe: a training loop and its evaluation may
/// report from different threads.
/// </summary>
public sealed class SeriesFileSink : IMetricSink, IDisposable
{
    private readonly object _gate = new();
    private readonly StreamWriter _writer;
    private readonly IMetricSink? _next;

    public SeriesFileSink(string path, IMetricSink? next = null)
    {
        Path = path;
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        _next = next;
    }

    public string Path { get; }

    public int Count { get; private set; }

    public void Record(MetricPoint point)
    {
        lock (_gate)
        {
            var line = new StringBuilder(96)
                .Append("{\"name\":").Append(JsonSerializer.Serialize(point.Name))
                .Append(",\"step\":").Append(point.Step.ToString(CultureInfo.InvariantCulture))
                .Append(",\"value\":").Append(FormatValue(point.Value))
                .Append(",\"timestamp\":").Append(point.Timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture))
                .Append('}');
            _writer.WriteLine(line);
            Count++;
        }
        _next?.Record(point);
    }

    /// <summary>JSON has no NaN or infinity; a diverged loss is still worth keeping, as a string.</summary>
    private static string FormatValue(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : JsonSerializer.Serialize(value.ToString(CultureInfo.InvariantCulture));

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }
}

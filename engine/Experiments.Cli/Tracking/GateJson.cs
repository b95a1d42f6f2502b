using System.Text.Json;
using Experiments.Tracking.Gates;

namespace Experiments.Cli.Tracking;

/// <summary>Gate results in the JSON documents of `exp run` and `exp gate`.</summary>
internal static class GateJson
{
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<GateResult> gates)
    {
        writer.WriteStartArray("gates");
        foreach (GateResult gate in gates)
        {
            writer.WriteStartObject();
            writer.WriteString("gate", $"{gate.Gate.Target.Path} {gate.Condition}");
            writer.WriteString("file", gate.Gate.Span.File);
            writer.WriteNumber("line", gate.Gate.Span.Line);
            writer.WriteString("step", gate.NodeId);
            writer.WriteString("metric", gate.Metric);
            Number(writer, "baseline", gate.Baseline);
            Number(writer, "current", gate.Current);
            Number(writer, "delta", gate.Delta);
            Number(writer, "ci_low", gate.Low);
            Number(writer, "ci_high", gate.High);
            if (gate.Examples is { } n)
            {
                writer.WriteNumber("n", n);
            }
            writer.WriteBoolean("passed", gate.Passed);
            writer.WriteString("message", gate.Message);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number && double.IsFinite(number))
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using Experiments.Engine.Compile;

namespace Experiments.Engine.Keys;

/// <summary>
/// Everything a step key is a hash of (DESIGN §3): the kind and its version, the canonical
/// parameters, the digests of the upstream outputs and user files it reads (not the upstream
/// keys, so identical upstream bytes give early cutoff), the derived seed and the environment
/// facets that change results. Kept beside the key so `exp status` and `exp why` can say which
/// part changed.
/// </summary>
public sealed record KeyDescription(
    string Kind,
    int Version,
    IReadOnlyDictionary<string, CanonicalValue> Params,
    IReadOnlyDictionary<string, string> Inputs,
    IReadOnlyDictionary<string, string> Sources,
    long Seed,
    IReadOnlyDictionary<string, string> Environment)
{
    private string? _json;

    /// <summary>The canonical JSON text: keys sorted by code point, numbers normalised.</summary>
    public string CanonicalJson => _json ??= Write(includeSeed: true);

    /// <summary>The step key: SHA-256 of <see cref="CanonicalJson"/>.</summary>
    public string Key => Hashing.Sha256Hex(CanonicalJson);

    /// <summary>The same description without the seed: what the seed itself is derived from.</summary>
    internal string WithoutSeedJson() => Write(includeSeed: false);

    private string Write(bool includeSeed)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer, includeSeed);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void WriteTo(Utf8JsonWriter writer, bool includeSeed = true)
    {
        writer.WriteStartObject();
        writer.WriteString("engine", EngineInfo.KeyVersion);
        writer.WriteStartObject("env");
        foreach ((string name, string value) in Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.WriteString(name, value);
        }
        writer.WriteEndObject();
        writer.WriteStartObject("inputs");
        foreach ((string name, string digest) in Inputs.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.WriteString(name, digest);
        }
        writer.WriteEndObject();
        writer.WriteString("kind", Kind);
        writer.WriteStartObject("params");
        foreach ((string name, CanonicalValue value) in Params.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(name);
            value.Write(writer);
        }
        writer.WriteEndObject();
        if (includeSeed)
        {
            writer.WriteNumber("seed", Seed);
        }
        writer.WriteStartObject("sources");
        foreach ((string name, string digest) in Sources.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.WriteString(name, digest);
        }
        writer.WriteEndObject();
        writer.WriteNumber("version", Version);
        writer.WriteEndObject();
    }

    /// <summary>Reads a description back from <see cref="CanonicalJson"/>.</summary>
    public static KeyDescription Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    public static KeyDescription Read(JsonElement root)
    {
        static Dictionary<string, string> Strings(JsonElement e) =>
            e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

        return new KeyDescription(
            root.GetProperty("kind").GetString()!,
            root.GetProperty("version").GetInt32(),
            root.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => CanonicalValue.Read(p.Value), StringComparer.Ordinal),
            Strings(root.GetProperty("inputs")),
            Strings(root.GetProperty("sources")),
            root.GetProperty("seed").GetInt64(),
            Strings(root.GetProperty("env")));
    }
}

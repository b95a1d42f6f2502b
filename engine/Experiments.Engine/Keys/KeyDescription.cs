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
    private string? _key;

    /// <summary>
    /// The copy a <c>with</c> expression starts from. The cached text and key are not copied:
    /// they derive from the fields the expression may change, and a stale key would be a wrong key.
    /// </summary>
    private KeyDescription(KeyDescription original)
    {
        Kind = original.Kind;
        Version = original.Version;
        Params = original.Params;
        Inputs = original.Inputs;
        Sources = original.Sources;
        Seed = original.Seed;
        Environment = original.Environment;
    }

    /// <summary>
    /// The canonical JSON text: object keys sorted by code point, numbers normalised, and the
    /// seed last, so the text the seed is derived from is a prefix of it (written once per key).
    /// </summary>
    public string CanonicalJson => _json ??= WithSeed(WithoutSeedJson(), Seed);

    /// <summary>The step key: SHA-256 of <see cref="CanonicalJson"/>.</summary>
    public string Key => _key ??= Hashing.Sha256Hex(CanonicalJson);

    /// <summary>The description without the seed: what the seed itself is derived from.</summary>
    internal string WithoutSeedJson()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteFields(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Appends the seed as the last field of a description written without it.</summary>
    internal static string WithSeed(string withoutSeed, long seed) =>
        string.Concat(withoutSeed.AsSpan(0, withoutSeed.Length - 1), ",\"seed\":", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "}");

    /// <summary>A copy with its seed set, reusing the seedless text already written.</summary>
    internal KeyDescription WithDerivedSeed(string withoutSeed, long seed) => this with
    {
        Seed = seed,
        _json = WithSeed(withoutSeed, seed),
    };

    private void WriteFields(Utf8JsonWriter writer)
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
        WriteParams(writer, Params);
        writer.WriteStartObject("sources");
        foreach ((string name, string digest) in Sources.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.WriteString(name, digest);
        }
        writer.WriteEndObject();
        writer.WriteNumber("version", Version);
    }

    /// <summary>The <c>params</c> object: sorted by name, each value canonical (also used by recipes).</summary>
    internal static void WriteParams(Utf8JsonWriter writer, IReadOnlyDictionary<string, CanonicalValue> parameters)
    {
        writer.WriteStartObject("params");
        foreach ((string name, CanonicalValue value) in parameters.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(name);
            value.Write(writer);
        }
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

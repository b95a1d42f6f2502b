using System.Globalization;
using System.Text.Json;
using Experiments.Engine.Spec;

namespace Experiments.Engine.Compile;

/// <summary>
/// A parameter value after validation, in the one spelling that enters keys: numbers normalised
/// (<c>1e-4</c> and <c>0.0001</c> are one value), call arguments sorted, defaults made explicit.
/// </summary>
public abstract record CanonicalValue
{
    public static readonly CanonicalValue Null = new NullCanonical();

    public static CanonicalValue Number(double value) => new NumberCanonical(value);

    public static CanonicalValue String(string value) => new StringCanonical(value);

    public static CanonicalValue Bool(bool value) => value ? BoolCanonical.True : BoolCanonical.False;

    public static CanonicalValue List(IEnumerable<CanonicalValue> items) => new ListCanonical(items.ToEquatableArray());

    public static CanonicalValue Call(string name, IEnumerable<KeyValuePair<string, CanonicalValue>> args) =>
        new CallCanonical(name, args.OrderBy(a => a.Key, StringComparer.Ordinal).ToEquatableArray());

    /// <summary>Writes the canonical JSON form used in keys and step specs.</summary>
    public abstract void Write(Utf8JsonWriter writer);

    /// <summary>A short human spelling, used in variant names and status reasons.</summary>
    public abstract string Display();

    public override string ToString() => Display();

    /// <summary>Formats a number the same way whatever its source spelling was.</summary>
    public static string FormatNumber(double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Reads a canonical value back from its JSON form (step specs in the store).</summary>
    public static CanonicalValue Read(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null => Null,
        JsonValueKind.Number => Number(element.GetDouble()),
        JsonValueKind.String => String(element.GetString()!),
        JsonValueKind.True => Bool(true),
        JsonValueKind.False => Bool(false),
        JsonValueKind.Array => List(element.EnumerateArray().Select(Read)),
        JsonValueKind.Object when element.TryGetProperty("$call", out JsonElement name) => Call(
            name.GetString()!,
            element.GetProperty("args").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, Read(p.Value)))),
        _ => throw new FormatException($"Not a canonical value: {element.GetRawText()}"),
    };
}

public sealed record NullCanonical : CanonicalValue
{
    public override void Write(Utf8JsonWriter writer) => writer.WriteNullValue();

    public override string Display() => "null";
}

public sealed record NumberCanonical(double Value) : CanonicalValue
{
    public override void Write(Utf8JsonWriter writer) => writer.WriteRawValue(FormatNumber(Value));

    public override string Display() => FormatNumber(Value);
}

public sealed record StringCanonical(string Value) : CanonicalValue
{
    public override void Write(Utf8JsonWriter writer) => writer.WriteStringValue(Value);

    public override string Display() => Value.All(c => char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or '/')
        && Value.Length > 0 ? Value : JsonSerializer.Serialize(Value);
}

public sealed record BoolCanonical(bool Value) : CanonicalValue
{
    internal static readonly BoolCanonical True = new(true);
    internal static readonly BoolCanonical False = new(false);

    public override void Write(Utf8JsonWriter writer) => writer.WriteBooleanValue(Value);

    public override string Display() => Value ? "true" : "false";
}

public sealed record ListCanonical(EquatableArray<CanonicalValue> Items) : CanonicalValue
{
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (CanonicalValue item in Items)
        {
            item.Write(writer);
        }
        writer.WriteEndArray();
    }

    public override string Display() => "[" + string.Join(", ", Items.Select(i => i.Display())) + "]";
}

/// <summary>A nested call with its arguments sorted by name.</summary>
public sealed record CallCanonical(string Name, EquatableArray<KeyValuePair<string, CanonicalValue>> Args) : CanonicalValue
{
    public CanonicalValue? Get(string name) => Args.FirstOrDefault(a => a.Key == name).Value;

    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("$call", Name);
        writer.WritePropertyName("args");
        writer.WriteStartObject();
        foreach ((string key, CanonicalValue value) in Args)
        {
            writer.WritePropertyName(key);
            value.Write(writer);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public override string Display() =>
        Name + "(" + string.Join(", ", Args.Select(a => $"{a.Key}: {a.Value.Display()}")) + ")";
}

using Experiments.Engine.Compile;

namespace Experiments.Engine.Kinds;

/// <summary>
/// A parameter of a step kind. A parameter without <see cref="Default"/> is required; a default of
/// <see cref="CanonicalValue.Null"/> makes it optional. Defaults are written into the key explicitly,
/// so spelling a default out never changes a key.
/// </summary>
public sealed record ParamSpec(string Name, ParamType Type, string Doc)
{
    public CanonicalValue? Default { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    /// <summary>
    /// Whether the step's seed changes with this parameter. False for parameters that pick a part
    /// of one shared random outcome, like the fold of a k-fold partition: every fold must see the
    /// same shuffle, so the seed is derived without it (the key still includes it).
    /// </summary>
    public bool AffectsSeed { get; init; } = true;

    public bool Required => Default is null;

    public static ParamSpec Int(string name, string doc, long? @default = null, double? min = null, double? max = null) =>
        new(name, ParamType.Int, doc) { Default = @default is null ? null : CanonicalValue.Number(@default.Value), Min = min, Max = max };

    public static ParamSpec Float(string name, string doc, double? @default = null, double? min = null, double? max = null) =>
        new(name, ParamType.Float, doc) { Default = @default is null ? null : CanonicalValue.Number(@default.Value), Min = min, Max = max };

    public static ParamSpec String(string name, string doc, string? @default = null) =>
        new(name, ParamType.String, doc) { Default = @default is null ? null : CanonicalValue.String(@default) };

    public static ParamSpec Path(string name, string doc) => new(name, ParamType.Path, doc);

    /// <summary>An optional string: absent means null.</summary>
    public static ParamSpec OptionalString(string name, string doc) =>
        new(name, ParamType.String, doc) { Default = CanonicalValue.Null };

    public static ParamSpec Bool(string name, string doc, bool @default) =>
        new(name, ParamType.Bool, doc) { Default = CanonicalValue.Bool(@default) };

    public static ParamSpec Choice(string name, string doc, string @default, params string[] options) =>
        new(name, ParamType.Choice(options), doc) { Default = CanonicalValue.String(@default) };
}

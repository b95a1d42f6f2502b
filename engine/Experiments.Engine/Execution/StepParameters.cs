using Experiments.Engine.Compile;

namespace Experiments.Engine.Execution;

/// <summary>Typed access to a step's validated, canonical parameters.</summary>
public sealed class StepParameters(IReadOnlyDictionary<string, CanonicalValue> values)
{
    public IReadOnlyDictionary<string, CanonicalValue> Values { get; } = values;

    public CanonicalValue Get(string name) =>
        Values.TryGetValue(name, out CanonicalValue? value)
            ? value
            : throw new KeyNotFoundException($"Parameter '{name}' is not in the step's schema.");

    public bool IsNull(string name) => Get(name) is NullCanonical;

    public double GetDouble(string name) => Get(name) is NumberCanonical n ? n.Value : throw TypeError(name, "number");

    public long GetInt(string name) => (long)GetDouble(name);

    public int GetInt32(string name) => checked((int)GetDouble(name));

    public bool GetBool(string name) => Get(name) is BoolCanonical b ? b.Value : throw TypeError(name, "bool");

    public string GetString(string name) => Get(name) is StringCanonical s ? s.Value : throw TypeError(name, "string");

    public string? GetOptionalString(string name) => Get(name) switch
    {
        NullCanonical => null,
        StringCanonical s => s.Value,
        _ => throw TypeError(name, "string"),
    };

    public IReadOnlyList<CanonicalValue> GetList(string name) => Get(name) switch
    {
        ListCanonical l => l.Items,
        NullCanonical => [],
        _ => throw TypeError(name, "list"),
    };

    public IReadOnlyList<string> GetStringList(string name) =>
        GetList(name).Select(v => v is StringCanonical s ? s.Value : v.Display()).ToArray();

    public CallCanonical? GetCall(string name) => Get(name) switch
    {
        CallCanonical c => c,
        NullCanonical => null,
        _ => throw TypeError(name, "call"),
    };

    private static InvalidOperationException TypeError(string name, string expected) =>
        new($"Parameter '{name}' is not a {expected}; the compiler should have rejected it.");
}

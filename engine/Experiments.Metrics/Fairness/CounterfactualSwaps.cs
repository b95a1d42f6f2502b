using System.Reflection;
using System.Text.RegularExpressions;

namespace Experiments.Metrics.Fairness;

/// <summary>
/// Builds counterfactual inputs by swapping words of a sensitive attribute (he ↔ she,
/// John ↔ Mary) from a list kept as data: a tab-separated file of pairs, applied in both
/// directions, the first mapping of a word winning. Whole words only, matched
/// case-insensitively; the replacement keeps the original's case pattern (lower, Capitalised,
/// UPPER). The built-in lists ship inside the library (<see cref="BuiltIn"/>: "gender").
/// </summary>
public sealed partial class CounterfactualSwaps
{
    private readonly Dictionary<string, string> _map;

    private CounterfactualSwaps(string name, Dictionary<string, string> map)
    {
        Name = name;
        _map = map;
    }

    public string Name { get; }

    public int Count => _map.Count;

    /// <summary>The lists that ship with the library.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } =
        typeof(CounterfactualSwaps).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..^".tsv".Length])
            .Order(StringComparer.Ordinal).ToArray();

    private const string ResourcePrefix = "Experiments.Metrics.Swaps.";

    public static CounterfactualSwaps BuiltIn(string name)
    {
        Assembly assembly = typeof(CounterfactualSwaps).Assembly;
        using Stream? stream = assembly.GetManifestResourceStream(ResourcePrefix + name + ".tsv")
            ?? throw new ArgumentException($"no built-in swap list '{name}' (have: {string.Join(", ", BuiltInNames)})");
        using var reader = new StreamReader(stream);
        return Parse(name, reader.ReadToEnd());
    }

    /// <summary>Reads a list: lines "word&lt;TAB&gt;counterpart"; blank lines and '#' comments skipped.</summary>
    public static CounterfactualSwaps Parse(string name, string text)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            string[] parts = line.Split('\t');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new FormatException($"{name}:{i + 1}: expected 'word<TAB>counterpart', got '{line}'");
            }
            map.TryAdd(parts[0], parts[1].ToLowerInvariant());
            map.TryAdd(parts[1], parts[0].ToLowerInvariant());
        }
        return new CounterfactualSwaps(name, map);
    }

    /// <summary>The counterfactual text and how many words it swapped (0: no counterfactual exists).</summary>
    public (string Text, int Swapped) Apply(string text)
    {
        int swapped = 0;
        string result = Word().Replace(text, match =>
        {
            if (!_map.TryGetValue(match.Value, out string? counterpart))
            {
                return match.Value;
            }
            swapped++;
            return MatchCase(match.Value, counterpart);
        });
        return (result, swapped);
    }

    private static string MatchCase(string original, string replacement)
    {
        if (original.Length > 1 && original.All(c => !char.IsLetter(c) || char.IsUpper(c)))
        {
            return replacement.ToUpperInvariant();
        }
        if (char.IsUpper(original[0]))
        {
            return char.ToUpperInvariant(replacement[0]) + replacement[1..];
        }
        return replacement;
    }

    [GeneratedRegex(@"\b\p{L}+\b", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}

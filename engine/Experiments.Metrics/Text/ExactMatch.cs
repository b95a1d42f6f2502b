using System.Text;
using System.Text.RegularExpressions;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Text;

/// <summary>
/// Exact match after the usual normalisation (the SQuAD v1.1 evaluation script's
/// <c>normalize_answer</c>): lower-case, drop ASCII punctuation, drop the articles a/an/the as
/// words, collapse whitespace. A prediction matches when it equals any reference after that.
/// </summary>
public static partial class ExactMatch
{
    private static readonly HashSet<char> s_punctuation = [.. "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"];

    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in PythonText.Lower(text))
        {
            if (!s_punctuation.Contains(c))
            {
                builder.Append(c);
            }
        }
        string noArticles = Articles().Replace(builder.ToString(), " ");
        return string.Join(' ', PythonText.Split(noArticles));
    }

    public static bool Matches(string prediction, IEnumerable<string> references)
    {
        string normalized = Normalize(prediction);
        return references.Any(r => string.Equals(Normalize(r), normalized, StringComparison.Ordinal));
    }

    /// <summary>Per example whether it matched: the proportion, with its bootstrap.</summary>
    public static SufficientStatistics Statistics(IReadOnlyList<string> predictions, IReadOnlyList<IReadOnlyList<string>> references)
    {
        if (predictions.Count != references.Count)
        {
            throw new ArgumentException($"{predictions.Count} predictions but references for {references.Count} examples");
        }
        return SufficientStatistics.Proportion(predictions.Select((p, i) => Matches(p, references[i])).ToArray());
    }

    [GeneratedRegex(@"\b(a|an|the)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Articles();
}

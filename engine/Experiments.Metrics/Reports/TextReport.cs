using Experiments.Metrics.Text;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Reports;

/// <summary>
/// What an evaluate step of a generator needs in one call. Names: <c>bleu</c> (corpus, sacreBLEU
/// defaults, 0–100), <c>chrf</c> (corpus, 0–100), <c>rouge1</c>, <c>rouge2</c>, <c>rougeL</c>,
/// <c>rougeLsum</c> (mean F-measure, Porter stemming on), <c>meteor</c> (mean sentence METEOR on
/// whitespace tokens), <c>exact_match</c>. Each with its bootstrap interval over examples; per
/// example, the sentence-level score of each (sentence BLEU with effective order for <c>bleu</c>).
/// </summary>
public static class TextReport
{
    public static IReadOnlyList<string> Names { get; } = ["bleu", "chrf", "rouge1", "rouge2", "rougeL", "rougeLsum", "meteor", "exact_match"];

    public static SortedDictionary<string, MetricEstimate> Evaluate(IReadOnlyList<string> predictions, IReadOnlyList<IReadOnlyList<string>> references, IEnumerable<string> metrics, BootstrapOptions? options = null)
    {
        string[] names = metrics.ToArray();
        MetricNames.Check(names, Names, "text");
        options ??= BootstrapOptions.Default;
        var result = new SortedDictionary<string, MetricEstimate>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            result[name] = Bootstrap.Estimate(Statistics(name, predictions, references), options);
        }
        return result;
    }

    /// <summary>Per-example scores of the requested metrics, for the predictions file.</summary>
    public static IReadOnlyDictionary<string, double[]> PerExample(IReadOnlyList<string> predictions, IReadOnlyList<IReadOnlyList<string>> references, IEnumerable<string> metrics)
    {
        string[] names = metrics.ToArray();
        MetricNames.Check(names, Names, "text");
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            result[name] = name switch
            {
                "bleu" => predictions.Select((p, i) => SacreBleu.Sentence(p, references[i]).Score).ToArray(),
                "chrf" => predictions.Select((p, i) => Chrf.Sentence(p, references[i])).ToArray(),
                "exact_match" => predictions.Select((p, i) => ExactMatch.Matches(p, references[i]) ? 1.0 : 0.0).ToArray(),
                "meteor" => predictions.Select((p, i) => Meteor.Score(Tokens(references[i]), PythonText.Split(p))).ToArray(),
                _ => predictions.Select((p, i) => references[i].Max(r => Rouge.Score(r, p, name, useStemmer: true).FMeasure)).ToArray(),
            };
        }
        return result;
    }

    private static SufficientStatistics Statistics(string name, IReadOnlyList<string> predictions, IReadOnlyList<IReadOnlyList<string>> references) => name switch
    {
        "bleu" => SacreBleu.Statistics(predictions, references),
        "chrf" => Chrf.Statistics(predictions, references),
        "exact_match" => ExactMatch.Statistics(predictions, references),
        "meteor" => Meteor.Statistics(references.Select(Tokens).ToArray(), predictions.Select(p => (IReadOnlyList<string>)PythonText.Split(p)).ToArray()),
        // rouge-score scores one target; with several references take the best, as its multi-reference scorer does.
        _ => SufficientStatistics.Mean(predictions.Select((p, i) => references[i].Max(r => Rouge.Score(r, p, name, useStemmer: true).FMeasure)).ToArray()),
    };

    private static IReadOnlyList<IReadOnlyList<string>> Tokens(IReadOnlyList<string> references) =>
        references.Select(r => (IReadOnlyList<string>)PythonText.Split(r)).ToArray();
}

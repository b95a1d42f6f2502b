using Experiments.Metrics.Sampling;

namespace Experiments.Metrics.Tests.Reference;

/// <summary>Seeded random inputs for the agreement tests (the same cases on every run).</summary>
internal sealed class CaseGenerator(long seed)
{
    private Xoshiro _random = new(seed);

    public int Int(int maxExclusive) => _random.NextInt(maxExclusive);

    public int Int(int min, int maxExclusive) => min + _random.NextInt(maxExclusive - min);

    public double Double() => _random.NextDouble();

    public bool Bool(double p = 0.5) => _random.NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Int(items.Count)];

    /// <summary>Labels with some agreement between truth and prediction, so metrics are not all near chance.</summary>
    public (int[] True, int[] Predicted) Labels(int n, int classes, double agreement)
    {
        var truth = new int[n];
        var predicted = new int[n];
        for (int i = 0; i < n; i++)
        {
            truth[i] = Int(classes);
            predicted[i] = Bool(agreement) ? truth[i] : Int(classes);
        }
        return (truth, predicted);
    }

    /// <summary>Scores that lean towards the positives, rounded to <paramref name="decimals"/> to force ties.</summary>
    public (int[] Labels, double[] Scores) Scored(int n, double separation, int decimals)
    {
        var labels = new int[n];
        var scores = new double[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = Bool(0.4) ? 1 : 0;
            scores[i] = Math.Round(Math.Clamp(Double() + (labels[i] * separation * Double()), 0, 2), decimals);
        }
        return (labels, scores);
    }

    private static readonly string[] s_words =
    [
        "the", "a", "cat", "cats", "dog", "dogs", "sat", "sits", "sitting", "on", "mat", "mats", "running",
        "runs", "ran", "quickly", "quick", "happy", "happiness", "relational", "generalization", "is", "was",
        "it", "guide", "action", "ensures", "military", "obeys", "commands", "party", "The", "Dog", "flies",
        "flying", "conditional", "hopeful", "goodness", "of", "and", "to", "in", "analysis", "analyses",
    ];

    public string[] Sentence(int minLength, int maxLength) =>
        Enumerable.Range(0, Int(minLength, maxLength + 1)).Select(_ => Pick(s_words)).ToArray();

    /// <summary>A noisy copy: words dropped, replaced or inserted.</summary>
    public string[] Perturb(string[] sentence, double noise)
    {
        var result = new List<string>();
        foreach (string word in sentence)
        {
            double u = Double();
            if (u < noise / 3)
            {
                continue;
            }
            result.Add(u < 2 * noise / 3 ? Pick(s_words) : word);
            if (Bool(noise / 3))
            {
                result.Add(Pick(s_words));
            }
        }
        return result.ToArray();
    }

    public static IReadOnlyList<string> Vocabulary => s_words;
}

using Experiments.Metrics.Classification;
using Experiments.Metrics.Text;
using Experiments.Metrics.Uncertainty;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Experiments.Metrics.Tests.Properties;

/// <summary>The acceptance's properties: order invariance, F1 between precision and recall, intervals around the estimate.</summary>
public sealed class MetricProperties
{
    private static readonly string[] s_words = ["the", "cat", "cats", "sat", "on", "a", "mat", "running", "runs", "dog", "."];

    /// <summary>A permutation of 0..n−1 drawn from the property's seed.</summary>
    private static int[] Permutation(int n, int seed)
    {
        var random = new Sampling.Xoshiro(seed);
        int[] order = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static T[] Apply<T>(T[] items, int[] order) => order.Select(i => items[i]).ToArray();

    private static bool Same(double a, double b) => (double.IsNaN(a) && double.IsNaN(b)) || Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Abs(a));

    [Property(MaxTest = 200)]
    public Property Classification_metrics_do_not_depend_on_example_order(NonEmptyArray<(byte Truth, byte Predicted, byte Score)> examples, int seed)
    {
        int[] truth = examples.Get.Select(e => e.Truth % 3).ToArray();
        int[] predicted = examples.Get.Select(e => e.Predicted % 3).ToArray();
        bool[] positive = truth.Select(t => t == 1).ToArray();
        double[] scores = examples.Get.Select(e => e.Score / 255.0).ToArray();
        int[] order = Permutation(truth.Length, seed);
        int[] t2 = Apply(truth, order), p2 = Apply(predicted, order);
        bool[] pos2 = Apply(positive, order);
        double[] s2 = Apply(scores, order);

        bool same = Same(ClassificationMetrics.Accuracy(truth, predicted), ClassificationMetrics.Accuracy(t2, p2))
            && Enum.GetValues<Averaging>().Where(a => a != Averaging.Binary).All(a =>
                Same(ClassificationMetrics.F1(truth, predicted, a), ClassificationMetrics.F1(t2, p2, a))
                && Same(ClassificationMetrics.Precision(truth, predicted, a), ClassificationMetrics.Precision(t2, p2, a)))
            && Same(new RankingCurve(positive, scores).RocAuc(), new RankingCurve(pos2, s2).RocAuc())
            && Same(new RankingCurve(positive, scores).AveragePrecision(), new RankingCurve(pos2, s2).AveragePrecision())
            && Same(Calibration.ExpectedCalibrationError(scores, positive), Calibration.ExpectedCalibrationError(s2, pos2));
        return same.ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property Text_metrics_do_not_depend_on_segment_order(NonEmptyArray<(byte[] Hypothesis, byte[] Reference)> segments, int seed)
    {
        string Words(byte[] b) => string.Join(' ', (b ?? []).Select(x => s_words[x % s_words.Length]));
        string[] hyps = segments.Get.Select(s => Words(s.Hypothesis)).ToArray();
        string[] refs = segments.Get.Select(s => Words(s.Reference)).ToArray();
        int[] order = Permutation(hyps.Length, seed);
        string[] h2 = Apply(hyps, order), r2 = Apply(refs, order);
        IReadOnlyList<IReadOnlyList<string>> Wrap(string[] r) => r.Select(x => (IReadOnlyList<string>)[x]).ToArray();

        bool same = Same(SacreBleu.Corpus(hyps, Wrap(refs)).Score, SacreBleu.Corpus(h2, Wrap(r2)).Score)
            && Same(Chrf.Corpus(hyps, Wrap(refs)), Chrf.Corpus(h2, Wrap(r2)))
            && Same(Rouge.Statistics(refs, hyps, "rougeL").Value, Rouge.Statistics(r2, h2, "rougeL").Value)
            && Same(NltkBleu.Corpus(Wrap(refs).Select(r => (IReadOnlyList<IReadOnlyList<string>>)[r[0].Split(' ')]).ToArray(), hyps.Select(h => (IReadOnlyList<string>)h.Split(' ')).ToArray(), smoothing: NltkSmoothing.Method1),
                    NltkBleu.Corpus(Wrap(r2).Select(r => (IReadOnlyList<IReadOnlyList<string>>)[r[0].Split(' ')]).ToArray(), h2.Select(h => (IReadOnlyList<string>)h.Split(' ')).ToArray(), smoothing: NltkSmoothing.Method1));
        return same.ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property F1_lies_between_precision_and_recall(NonEmptyArray<(bool Truth, bool Predicted)> examples, PositiveInt classes, int seed)
    {
        int c = 2 + (classes.Get % 4);
        var random = new Sampling.Xoshiro(seed);
        int[] truth = examples.Get.Select(e => e.Truth ? 1 : random.NextInt(c)).ToArray();
        int[] predicted = examples.Get.Select((e, i) => e.Predicted ? truth[i] : random.NextInt(c)).ToArray();
        bool within = ClassificationMetrics.PerClass(truth, predicted).All(s =>
            Math.Min(s.Precision, s.Recall) - 1e-12 <= s.F1 && s.F1 <= Math.Max(s.Precision, s.Recall) + 1e-12);
        foreach (Averaging a in new[] { Averaging.Micro })
        {
            double p = ClassificationMetrics.Precision(truth, predicted, a), r = ClassificationMetrics.Recall(truth, predicted, a), f = ClassificationMetrics.F1(truth, predicted, a);
            within &= Math.Min(p, r) - 1e-12 <= f && f <= Math.Max(p, r) + 1e-12;
        }
        return within.ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property The_bootstrap_interval_contains_the_point_estimate(NonEmptyArray<bool> outcomes, NonEmptyArray<byte> scores, int seed)
    {
        var options = new BootstrapOptions { Seed = seed, Iterations = 400 };
        MetricEstimate accuracy = Bootstrap.Estimate(SufficientStatistics.Proportion(outcomes.Get), options);
        MetricEstimate mean = Bootstrap.Estimate(SufficientStatistics.Mean(scores.Get.Select(b => b / 255.0).ToArray()), options);
        return (accuracy.CiLow <= accuracy.Value && accuracy.Value <= accuracy.CiHigh
            && mean.CiLow <= mean.Value + 1e-12 && mean.Value <= mean.CiHigh + 1e-12).ToProperty();
    }
}

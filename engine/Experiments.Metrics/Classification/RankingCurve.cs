namespace Experiments.Metrics.Classification;

/// <summary>
/// Binary labels ordered by decreasing score, with the boundaries between distinct scores: the
/// part of scikit-learn's <c>_binary_clf_curve</c> that does not depend on sample weights. Built
/// once, it gives ROC-AUC and average precision for any per-example multiplicities in O(n), which
/// is what a bootstrap needs (no re-sorting per resample).
/// </summary>
public sealed class RankingCurve
{
    private readonly int[] _order;
    private readonly bool[] _positive;
    private readonly bool[] _lastOfThreshold;

    public RankingCurve(ReadOnlySpan<bool> yTrue, ReadOnlySpan<double> scores)
    {
        if (yTrue.Length != scores.Length)
        {
            throw new ArgumentException($"{yTrue.Length} labels but {scores.Length} scores");
        }
        for (int i = 0; i < scores.Length; i++)
        {
            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException($"score {i} is NaN");
            }
        }
        double[] keys = scores.ToArray();
        _order = Enumerable.Range(0, keys.Length).ToArray();
        // Stable sort on descending score; ties are grouped, so their internal order does not matter.
        Array.Sort(keys.Select(k => -k).ToArray(), _order);
        _positive = new bool[keys.Length];
        _lastOfThreshold = new bool[keys.Length];
        for (int k = 0; k < _order.Length; k++)
        {
            _positive[k] = yTrue[_order[k]];
            _lastOfThreshold[k] = k == _order.Length - 1 || scores[_order[k + 1]] != scores[_order[k]];
        }
    }

    public int Count => _order.Length;

    /// <summary>
    /// Area under the ROC curve by the trapezoidal rule over distinct thresholds (ties count
    /// half); NaN when one class is absent (scikit-learn raises there).
    /// </summary>
    public double RocAuc(ReadOnlySpan<int> weights = default)
    {
        double tp = 0, fp = 0, previousTp = 0, previousFp = 0, area = 0;
        for (int k = 0; k < _order.Length; k++)
        {
            double w = weights.IsEmpty ? 1 : weights[_order[k]];
            if (_positive[k])
            {
                tp += w;
            }
            else
            {
                fp += w;
            }
            if (_lastOfThreshold[k])
            {
                area += (fp - previousFp) * (tp + previousTp) / 2;
                previousTp = tp;
                previousFp = fp;
            }
        }
        return tp == 0 || fp == 0 ? double.NaN : area / (tp * fp);
    }

    /// <summary>
    /// Average precision, Σ (R_k − R_{k−1}) · P_k over distinct thresholds from the highest
    /// (scikit-learn's <c>average_precision_score</c>, no interpolation); 0 without positives.
    /// </summary>
    public double AveragePrecision(ReadOnlySpan<int> weights = default)
    {
        double positives = 0;
        for (int k = 0; k < _order.Length; k++)
        {
            if (_positive[k])
            {
                positives += weights.IsEmpty ? 1 : weights[_order[k]];
            }
        }
        if (positives == 0)
        {
            return 0;
        }
        double tp = 0, fp = 0, previousRecall = 0, sum = 0;
        for (int k = 0; k < _order.Length; k++)
        {
            double w = weights.IsEmpty ? 1 : weights[_order[k]];
            if (_positive[k])
            {
                tp += w;
            }
            else
            {
                fp += w;
            }
            if (_lastOfThreshold[k])
            {
                double recall = tp / positives;
                double precision = tp + fp == 0 ? 0 : tp / (tp + fp);
                sum += (recall - previousRecall) * precision;
                previousRecall = recall;
            }
        }
        return sum;
    }
}

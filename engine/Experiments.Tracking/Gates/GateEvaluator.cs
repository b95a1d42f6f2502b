using System.Globalization;
using System.Text.Json;
using Experiments.Engine.Compile;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Keys;
using Experiments.Engine.Spec;
using Experiments.Engine.Store;
using Experiments.Tracking.Mlflow;

namespace Experiments.Tracking.Gates;

/// <summary>
/// Evaluates gates on a run's results (DESIGN §3 "gates are build results"). A gate on a swept step
/// is checked on every variant. A missing metric fails. <c>no_regression</c> compares with a
/// baseline file or MLflow run: with per-example scores on both sides (paired by id) it fails only
/// on a drop beyond <c>tolerance</c> that a paired bootstrap finds significant at <c>alpha</c>;
/// without them, on any drop beyond <c>tolerance</c>.
/// </summary>
public sealed class GateEvaluator(ContentStore store, string experiment, string baseDirectory, IBaselineRuns? mlflow)
{
    public const int BootstrapIterations = 2000;

    public async Task<IReadOnlyList<GateResult>> EvaluateAsync(IReadOnlyList<GateStatement> gates, IReadOnlyList<GateInput> inputs, CancellationToken cancellationToken)
    {
        var results = new List<GateResult>();
        var baselineCache = new Dictionary<BaselineSource, LoadedBaseline>();
        foreach (GateStatement gate in gates)
        {
            string metric = gate.Target.Member ?? string.Empty;
            GateInput[] nodes = inputs.Where(i => i.StepName == gate.Target.Name).OrderBy(i => i.NodeId, StringComparer.Ordinal).ToArray();
            if (nodes.Length == 0)
            {
                results.Add(Fail(gate, gate.Target.Name, metric, null, null, DiagnosticCodes.GateMetricMissing,
                    $"gate `{gate.Target.Path}`: step `{gate.Target.Name}` has no result in this run."));
                continue;
            }
            foreach (GateInput node in nodes)
            {
                results.Add(await EvaluateNodeAsync(gate, metric, node, baselineCache, cancellationToken).ConfigureAwait(false));
            }
        }
        return results;
    }

    private async Task<GateResult> EvaluateNodeAsync(
        GateStatement gate, string metric, GateInput node,
        Dictionary<BaselineSource, LoadedBaseline> baselineCache,
        CancellationToken cancellationToken)
    {
        if (node.Entry is not { } entry)
        {
            return Fail(gate, node.NodeId, metric, null, null, DiagnosticCodes.GateMetricMissing,
                $"gate `{gate.Target.Path}`: `{node.NodeId}` did not finish, so `{metric}` is missing.");
        }
        double? current = ExampleScores.Value(store, entry, metric);
        if (current is null)
        {
            IReadOnlyList<string> available = ExampleScores.Available(store, entry);
            return Fail(gate, node.NodeId, metric, null, null, DiagnosticCodes.GateMetricMissing,
                $"gate `{gate.Target.Path}`: `{node.NodeId}` reports no metric `{metric}`"
                + (available.Count == 0 ? " (it reports none)." : $"; it reports {string.Join(", ", available.Select(a => $"`{a}`"))}.")
                + (Suggestions.DidYouMean(metric, available) is { } hint ? $" {hint}" : string.Empty));
        }
        switch (gate.Condition)
        {
            case ComparisonCondition comparison when comparison.Threshold is NumberValue threshold:
                bool passed = Compare(current.Value, comparison.Operator, threshold.Value);
                return new GateResult(gate, node.NodeId, metric, current, null, null, null, null, passed,
                    $"gate `{gate.Target.Path} {comparison.Operator} {threshold.Text}`: `{node.NodeId}` has {metric} = {Format(current.Value)}"
                    + (passed ? "." : $", which fails the condition."),
                    passed ? string.Empty : DiagnosticCodes.GateFailed);
            case NoRegressionCondition noRegression:
                var bag = new DiagnosticBag();
                NoRegressionArguments? arguments = NoRegressionArguments.Parse(noRegression, bag);
                if (arguments is null)
                {
                    return Fail(gate, node.NodeId, metric, current, null, DiagnosticCodes.BadGate, bag.Items.FirstOrDefault()?.Message ?? "bad no_regression arguments.");
                }
                if (!baselineCache.TryGetValue(arguments.Baseline, out var baseline))
                {
                    baseline = await LoadBaselineAsync(gate, arguments.Baseline, node, metric, cancellationToken).ConfigureAwait(false);
                    baselineCache[arguments.Baseline] = baseline;
                }
                if (baseline.Error is { } error)
                {
                    return error with { NodeId = node.NodeId, Current = current };
                }
                BaselineMetric? reference = baseline.Find(node, metric);
                if (reference is null)
                {
                    return Fail(gate, node.NodeId, metric, current, null, DiagnosticCodes.BaselineMissing,
                        $"gate `{gate.Target.Path}`: the baseline has no `{node.NodeId}.{metric}`; record one with `exp baseline update`.");
                }
                return Regression(gate, node, metric, current.Value, reference, arguments, entry);
            default:
                return Fail(gate, node.NodeId, metric, current, null, DiagnosticCodes.BadGate, $"gate `{gate.Target.Path}` has no condition exp understands.");
        }
    }

    private GateResult Regression(GateStatement gate, GateInput node, string metric, double current, BaselineMetric reference, NoRegressionArguments arguments, ActionEntry entry)
    {
        double sign = arguments.GreaterIsBetter ? 1 : -1;
        string tolerance = arguments.Tolerance == 0 ? string.Empty : $" beyond the tolerance {Format(arguments.Tolerance)}";
        IReadOnlyDictionary<string, double>? scores = ExampleScores.Scores(store, entry, metric);
        if (scores is not null && reference.Scores is { } baselineScores)
        {
            string[] ids = scores.Keys.Where(baselineScores.ContainsKey).Order(StringComparer.Ordinal).ToArray();
            // Pairing is only sound on the same examples: a different evaluation set (another split,
            // a shrunk run) shares ids by accident, so it is compared by value, and said so.
            if (ids.Length >= 2 && ids.Length == scores.Count && ids.Length == baselineScores.Count)
            {
                // Test "current + tolerance is worse than baseline" in the better-is-higher direction.
                double[] a = ids.Select(id => sign * scores[id] + arguments.Tolerance).ToArray();
                double[] b = ids.Select(id => sign * baselineScores[id]).ToArray();
                PairedOutcome outcome = PairedSignificance.Compare(a, b, 1 - arguments.Alpha, BootstrapIterations, Seed(gate, node.NodeId));
                double currentMean = ids.Average(id => scores[id]);
                double baselineMean = ids.Average(id => baselineScores[id]);
                // Back to the metric's units, current minus baseline.
                double low = sign > 0 ? outcome.Low - arguments.Tolerance : -(outcome.High - arguments.Tolerance);
                double high = sign > 0 ? outcome.High - arguments.Tolerance : -(outcome.Low - arguments.Tolerance);
                bool regressed = outcome.PWorse < arguments.Alpha;
                // A bootstrap p-value of 0 only says "below one resample in B".
                string p = outcome.PWorse < 1.0 / BootstrapIterations
                    ? "< " + (1.0 / BootstrapIterations).ToString("0.####", CultureInfo.InvariantCulture)
                    : "= " + outcome.PWorse.ToString("0.###", CultureInfo.InvariantCulture);
                return new GateResult(gate, node.NodeId, metric, currentMean, baselineMean, low, high, ids.Length, !regressed,
                    $"gate `{gate.Target.Path}` no_regression: `{node.NodeId}` {metric} {Format(currentMean)} vs baseline {Format(baselineMean)} "
                    + $"(Δ {Signed(currentMean - baselineMean)}, {Percent(1 - arguments.Alpha)} interval [{Signed(low)}, {Signed(high)}], n = {ids.Length} paired examples, p {p}): "
                    + (regressed ? $"a significant drop{tolerance}." : $"no significant drop{tolerance}."),
                    regressed ? DiagnosticCodes.GateFailed : string.Empty);
            }
        }
        double delta = current - reference.Value;
        bool dropped = sign * delta < -arguments.Tolerance;
        string why = scores is not null && reference.Scores is { } recorded
            ? $"the evaluation sets differ ({scores.Keys.Count(recorded.ContainsKey)} of {scores.Count} examples are in the baseline's {recorded.Count}), so no paired test"
            : "no per-example scores on both sides, so no significance test";
        return new GateResult(gate, node.NodeId, metric, current, reference.Value, null, null, null, !dropped,
            $"gate `{gate.Target.Path}` no_regression: `{node.NodeId}` {metric} {Format(current)} vs baseline {Format(reference.Value)} (Δ {Signed(delta)}; "
            + why + "): "
            + (dropped ? $"a drop{tolerance}." : $"no drop{tolerance}."),
            dropped ? DiagnosticCodes.GateFailed : string.Empty);
    }

    private async Task<LoadedBaseline> LoadBaselineAsync(
        GateStatement gate, BaselineSource source, GateInput node, string metric, CancellationToken cancellationToken)
    {
        switch (source)
        {
            case BaselineFile file:
                string path = Path.GetFullPath(Path.Combine(baseDirectory, file.Path));
                if (!File.Exists(path))
                {
                    return LoadedBaseline.Failed(Fail(gate, node.NodeId, metric, null, null, DiagnosticCodes.BaselineMissing,
                        $"gate `{gate.Target.Path}`: no baseline file `{file.Path}`; create it from a good run with `exp baseline update`."));
                }
                try
                {
                    return new LoadedBaseline(BaselineDocument.Read(path), null, null);
                }
                catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    return LoadedBaseline.Failed(Fail(gate, node.NodeId, metric, null, null, DiagnosticCodes.BaselineUnreadable,
                        $"gate `{gate.Target.Path}`: baseline file `{file.Path}` is not a baseline ({exception.Message}); rewrite it with `exp baseline update`."));
                }
            case BaselineMlflow query:
                if (mlflow is null)
                {
                    return LoadedBaseline.Failed(Fail(gate, node.NodeId, metric, null, null, DiagnosticCodes.BaselineUnavailable,
                        $"gate `{gate.Target.Path}`: the baseline is an MLflow run, but MLFLOW_TRACKING_URI is not set."));
                }
                try
                {
                    var found = await mlflow.FindAsync(experiment, query, cancellationToken).ConfigureAwait(false);
                    if (found is null)
                    {
                        return LoadedBaseline.Failed(Fail(gate, node.NodeId, metric, null, null, DiagnosticCodes.BaselineMissing,
                            $"gate `{gate.Target.Path}`: no finished MLflow run matches the baseline query."));
                    }
                    return new LoadedBaseline(null, found, null);
                }
                catch (MlflowException failure)
                {
                    return LoadedBaseline.Failed(Fail(gate, node.NodeId, metric, null, null, DiagnosticCodes.BaselineUnavailable,
                        $"gate `{gate.Target.Path}`: cannot read the baseline run: {failure.Reason}."));
                }
            default:
                throw new InvalidOperationException(source.GetType().Name);
        }
    }

    /// <summary>A gate's baseline, loaded once per evaluation and asked per node: a file's metrics, or an MLflow run.</summary>
    private sealed record LoadedBaseline(IReadOnlyDictionary<string, BaselineMetric>? File, BaselineRun? Run, GateResult? Error)
    {
        public static LoadedBaseline Failed(GateResult error) => new(null, null, error);

        public BaselineMetric? Find(GateInput node, string metric) =>
            File is not null
                ? File.GetValueOrDefault($"{node.NodeId}.{metric}") ?? File.GetValueOrDefault($"{node.StepName}.{metric}")
                : Run?.Find(node, metric) is { } value ? new BaselineMetric(value, null) : null;
    }

    private static GateResult Fail(GateStatement gate, string nodeId, string metric, double? current, double? baseline, string code, string message) =>
        new(gate, nodeId, metric, current, baseline, null, null, null, false, message, code);

    internal static bool Compare(double value, string op, double threshold) => op switch
    {
        ">=" => value >= threshold,
        ">" => value > threshold,
        "<=" => value <= threshold,
        "<" => value < threshold,
        "==" => value == threshold,
        "!=" => value != threshold,
        _ => false,
    };

    /// <summary>A seed per gate and node, so a verdict never changes between two evaluations of the same data.</summary>
    private static long Seed(GateStatement gate, string nodeId) =>
        long.Parse(Hashing.Sha256Hex($"{gate.Target.Path}|{nodeId}")[..15], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Signed(double value) => (value >= 0 ? "+" : "") + value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Percent(double value) => value.ToString("0.#%", CultureInfo.InvariantCulture);

    /// <summary>Failed gates as diagnostics at their gate's position (MSBuild shows them on the gate's line).</summary>
    public static IEnumerable<Diagnostic> Diagnostics(IEnumerable<GateResult> results) =>
        results.Where(r => !r.Passed).Select(r => Diagnostic.Error(r.Code, r.Gate.Span, r.Message));
}

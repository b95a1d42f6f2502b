using Experiments.Engine.Diagnostics;
using Experiments.Engine.Spec;

namespace Experiments.Engine.Compile;

/// <summary>Where a <c>no_regression</c> gate finds its baseline.</summary>
public abstract record BaselineSource(SourceSpan Span);

/// <summary><c>baseline: "baselines/sentiment.json"</c>: a committed file (relative to the experiment).</summary>
public sealed record BaselineFile(string Path, SourceSpan Span) : BaselineSource(Span);

/// <summary>
/// <c>baseline: mlflow(tag: "ci.baseline=true")</c>, <c>mlflow(branch: "main")</c> or
/// <c>mlflow(run: "ID")</c>: the newest finished MLflow run that matches.
/// </summary>
public sealed record BaselineMlflow(string? Tag, string? Branch, string? Run, SourceSpan Span) : BaselineSource(Span);

/// <summary>
/// The checked arguments of <c>no_regression(baseline: ..., tolerance: 0.01, alpha: 0.05,
/// greater_is_better: true)</c>. <see cref="Tolerance"/> is the drop (in the metric's units) that is
/// accepted; <see cref="Alpha"/> the significance level of the paired bootstrap where
/// per-example scores exist.
/// </summary>
public sealed record NoRegressionArguments(BaselineSource Baseline, double Tolerance, double Alpha, bool GreaterIsBetter)
{
    private static readonly string[] s_names = ["baseline", "tolerance", "alpha", "greater_is_better"];
    private static readonly string[] s_mlflowNames = ["tag", "branch", "run"];

    /// <summary>Checks the arguments; returns null (with diagnostics) when they are wrong.</summary>
    public static NoRegressionArguments? Parse(NoRegressionCondition condition, DiagnosticBag diagnostics)
    {
        int errors = diagnostics.Items.Count(d => d.IsError);
        BaselineSource? baseline = null;
        double tolerance = 0;
        double alpha = 0.05;
        bool greaterIsBetter = true;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Argument argument in condition.Arguments)
        {
            if (argument.Name is null)
            {
                diagnostics.Error(DiagnosticCodes.BadGate, argument.Span,
                    "`no_regression` takes named arguments: `baseline:`, `tolerance:`, `alpha:`, `greater_is_better:`.");
                continue;
            }
            if (!seen.Add(argument.Name))
            {
                diagnostics.Error(DiagnosticCodes.BadGate, argument.Span, $"`{argument.Name}` is given twice.");
                continue;
            }
            switch (argument.Name)
            {
                case "baseline":
                    baseline = ParseBaseline(argument.Value, diagnostics);
                    break;
                case "tolerance" when argument.Value is NumberValue { Value: >= 0 } number:
                    tolerance = number.Value;
                    break;
                case "tolerance":
                    diagnostics.Error(DiagnosticCodes.BadGate, argument.Value.Span,
                        $"`tolerance` is the accepted drop, a number >= 0; found {ValueChecker.Describe(argument.Value)}.");
                    break;
                case "alpha" when argument.Value is NumberValue { Value: > 0 and < 1 } number:
                    alpha = number.Value;
                    break;
                case "alpha":
                    diagnostics.Error(DiagnosticCodes.BadGate, argument.Value.Span,
                        $"`alpha` is a significance level between 0 and 1 (e.g. 0.05); found {ValueChecker.Describe(argument.Value)}.");
                    break;
                case "greater_is_better" when argument.Value is BoolValue flag:
                    greaterIsBetter = flag.Value;
                    break;
                case "greater_is_better":
                    diagnostics.Error(DiagnosticCodes.BadGate, argument.Value.Span,
                        $"`greater_is_better` is true or false; found {ValueChecker.Describe(argument.Value)}.");
                    break;
                default:
                    diagnostics.Error(DiagnosticCodes.BadGate, argument.Span,
                        $"`no_regression` has no argument `{argument.Name}`.", Suggestions.DidYouMean(argument.Name, s_names));
                    break;
            }
        }
        if (baseline is null && !seen.Contains("baseline"))
        {
            diagnostics.Error(DiagnosticCodes.BadGate, condition.Span,
                "`no_regression` needs a `baseline:`, a file such as \"baselines/x.json\" or `mlflow(tag: \"ci.baseline=true\")`.");
        }
        return baseline is null || diagnostics.Items.Count(d => d.IsError) > errors
            ? null
            : new NoRegressionArguments(baseline, tolerance, alpha, greaterIsBetter);
    }

    private static BaselineSource? ParseBaseline(SpecValue value, DiagnosticBag diagnostics)
    {
        switch (value)
        {
            case StringValue { Value.Length: > 0 } file:
                return new BaselineFile(file.Value, file.Span);
            case CallValue { Name: "mlflow" } call:
                var found = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (Argument argument in call.Arguments)
                {
                    if (argument.Name is null || !s_mlflowNames.Contains(argument.Name) || argument.Value is not StringValue text)
                    {
                        diagnostics.Error(DiagnosticCodes.BadGate, argument.Span,
                            "`mlflow(...)` takes one of `tag: \"key=value\"`, `branch: \"main\"`, `run: \"RUN_ID\"` (strings).",
                            argument.Name is null ? null : Suggestions.DidYouMean(argument.Name, s_mlflowNames));
                        return null;
                    }
                    found[argument.Name] = text.Value;
                }
                if (found.Count == 0)
                {
                    diagnostics.Error(DiagnosticCodes.BadGate, call.Span, "`mlflow()` needs `tag:`, `branch:` or `run:` to find the baseline run.");
                    return null;
                }
                if (found.TryGetValue("tag", out string? tag) && !tag.Contains('=', StringComparison.Ordinal))
                {
                    diagnostics.Error(DiagnosticCodes.BadGate, call.Span, $"`tag:` is \"key=value\", found \"{tag}\".");
                    return null;
                }
                return new BaselineMlflow(found.GetValueOrDefault("tag"), found.GetValueOrDefault("branch"), found.GetValueOrDefault("run"), call.Span);
            default:
                diagnostics.Error(DiagnosticCodes.BadGate, value.Span,
                    $"a baseline is a file (\"baselines/x.json\") or `mlflow(tag: \"ci.baseline=true\")`; found {ValueChecker.Describe(value)}.");
                return null;
        }
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Experiments.Tracking.Ledger;

namespace Experiments.Cli.Tracking;

/// <summary>One <c>--filter FIELD OP VALUE</c> of `exp runs`, in MLflow's search vocabulary (params., metrics., tags.).</summary>
internal sealed partial record RunFilter(string Field, string Operator, string Value)
{
    public static RunFilter? Parse(string text)
    {
        Match match = Pattern().Match(text);
        return match.Success ? new RunFilter(match.Groups[1].Value.Trim(), match.Groups[2].Value, match.Groups[3].Value.Trim().Trim('\'', '"')) : null;
    }

    public bool Matches(RunDetails run)
    {
        string? actual = Field switch
        {
            "experiment" => run.Run.Experiment,
            "status" => run.Run.Status,
            "name" => run.Run.Name,
            "branch" => run.Tags.GetValueOrDefault("mlflow.source.git.branch"),
            "commit" => run.Tags.GetValueOrDefault("mlflow.source.git.commit"),
            _ when Field.StartsWith("params.", StringComparison.Ordinal) => run.Params.GetValueOrDefault(Field["params.".Length..]),
            _ when Field.StartsWith("tags.", StringComparison.Ordinal) => run.Tags.GetValueOrDefault(Field["tags.".Length..]),
            _ when Field.StartsWith("metrics.", StringComparison.Ordinal) =>
                run.Metrics.TryGetValue(Field["metrics.".Length..], out double value) ? value.ToString("R", CultureInfo.InvariantCulture) : null,
            _ => null,
        };
        if (actual is null)
        {
            return Operator == "!=";
        }
        if (Field == "commit" && Operator is "=" or "==")
        {
            return actual.StartsWith(Value, StringComparison.OrdinalIgnoreCase);
        }
        if (double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out double left)
            && double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double right))
        {
            return Operator switch
            {
                "=" or "==" => left == right,
                "!=" => left != right,
                ">=" => left >= right,
                "<=" => left <= right,
                ">" => left > right,
                "<" => left < right,
                _ => false,
            };
        }
        int order = string.Compare(actual, Value, StringComparison.Ordinal);
        return Operator switch
        {
            "=" or "==" => order == 0,
            "!=" => order != 0,
            ">=" => order >= 0,
            "<=" => order <= 0,
            ">" => order > 0,
            "<" => order < 0,
            _ => false,
        };
    }

    [GeneratedRegex(@"^\s*([A-Za-z_][\w.\-]*)\s*(==|!=|>=|<=|=|>|<)\s*(.*)$")]
    private static partial Regex Pattern();
}

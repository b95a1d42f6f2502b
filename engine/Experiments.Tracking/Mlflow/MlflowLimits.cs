using System.Text;
using System.Text.RegularExpressions;

namespace Experiments.Tracking.Mlflow;

/// <summary>MLflow's request limits and name rules (reference: mlflow/utils/validation.py), checked on our side.</summary>
public static partial class MlflowLimits
{
    public const int MaxMetricsPerBatch = 1000;
    public const int MaxParamsPerBatch = 100;
    public const int MaxTagsPerBatch = 100;
    public const int MaxItemsPerBatch = 1000;
    public const int MaxRequestBytes = 1_000_000;
    public const int MaxKeyLength = 250;
    public const int MaxParamValueLength = 6000;
    public const int MaxTagValueLength = 5000;
    public const int MaxExperimentNameLength = 500;

    /// <summary>A key MLflow accepts: characters outside <c>[/\w.\- :]</c> become <c>_</c>, <c>//</c> and <c>..</c> collapse, at most 250 characters.</summary>
    public static string Key(string key)
    {
        string cleaned = InvalidKeyCharacters().Replace(key, "_");
        while (cleaned.Contains("//", StringComparison.Ordinal) || cleaned.Contains("..", StringComparison.Ordinal))
        {
            cleaned = cleaned.Replace("//", "/", StringComparison.Ordinal).Replace("..", ".", StringComparison.Ordinal);
        }
        cleaned = cleaned.Trim('/');
        if (cleaned.Length == 0)
        {
            cleaned = "_";
        }
        return cleaned.Length <= MaxKeyLength ? cleaned : cleaned[..MaxKeyLength];
    }

    /// <summary>Cuts a value to <paramref name="limit"/> characters; the caller records that it did.</summary>
    public static string Truncate(string value, int limit, out bool truncated)
    {
        truncated = value.Length > limit;
        return truncated ? value[..limit] : value;
    }

    public static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);

    [GeneratedRegex(@"[^/\w.\- :]")]
    private static partial Regex InvalidKeyCharacters();
}

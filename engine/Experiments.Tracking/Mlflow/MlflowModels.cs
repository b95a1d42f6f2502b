using System.Text.Json;
using System.Text.Json.Serialization;

namespace Experiments.Tracking.Mlflow;

// The MLflow REST messages we use (mlflow/protos/service.proto), in proto-JSON: snake_case, unset
// fields omitted, int64 read from numbers or strings, doubles may be "NaN"/"Infinity".

public sealed record MlflowTag(string Key, string Value);

public sealed record MlflowParam(string Key, string Value);

public sealed record MlflowMetric(string Key, double Value, long Timestamp, long Step);

public sealed record MlflowExperiment
{
    public string ExperimentId { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public string? LifecycleStage { get; init; }

    public string? ArtifactLocation { get; init; }
}

public sealed record GetExperimentResponse(MlflowExperiment? Experiment);

public sealed record CreateExperimentRequest(string Name);

public sealed record CreateExperimentResponse(string ExperimentId);

public sealed record CreateRunRequest(string ExperimentId, string? RunName, long StartTime, IReadOnlyList<MlflowTag> Tags);

public sealed record UpdateRunRequest(string RunId, string Status, long? EndTime);

public sealed record LogBatchRequest(string RunId, IReadOnlyList<MlflowMetric> Metrics, IReadOnlyList<MlflowParam> Params, IReadOnlyList<MlflowTag> Tags);

public sealed record SearchRunsRequest(IReadOnlyList<string> ExperimentIds, string Filter, string RunViewType, int MaxResults, IReadOnlyList<string> OrderBy);

public sealed record MlflowRunInfo
{
    public string RunId { get; init; } = string.Empty;

    public string? ExperimentId { get; init; }

    public string? Status { get; init; }

    public string? ArtifactUri { get; init; }

    public long? StartTime { get; init; }

    public string? LifecycleStage { get; init; }
}

public sealed record MlflowRunData
{
    public IReadOnlyList<MlflowMetric>? Metrics { get; init; }

    public IReadOnlyList<MlflowParam>? Params { get; init; }

    public IReadOnlyList<MlflowTag>? Tags { get; init; }
}

public sealed record MlflowRun(MlflowRunInfo Info, MlflowRunData? Data);

public sealed record RunResponse(MlflowRun Run);

public sealed record SearchRunsResponse
{
    public IReadOnlyList<MlflowRun>? Runs { get; init; }

    public string? NextPageToken { get; init; }
}

public sealed record MlflowFileInfo
{
    public string Path { get; init; } = string.Empty;

    public bool IsDir { get; init; }

    public long? FileSize { get; init; }
}

public sealed record ListArtifactsResponse
{
    public IReadOnlyList<MlflowFileInfo>? Files { get; init; }
}

public sealed record MlflowError
{
    public string? ErrorCode { get; init; }

    public string? Message { get; init; }
}

/// <summary>The serializer settings of the wire format.</summary>
public static class MlflowJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}

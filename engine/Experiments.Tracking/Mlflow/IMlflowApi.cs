using Refit;

namespace Experiments.Tracking.Mlflow;

/// <summary>The MLflow tracking REST API (the calls exp makes), relative to the tracking URI.</summary>
public interface IMlflowApi
{
    [Get("/api/2.0/mlflow/experiments/get-by-name")]
    Task<GetExperimentResponse> GetExperimentByNameAsync([AliasAs("experiment_name")] string experimentName, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/experiments/create")]
    Task<CreateExperimentResponse> CreateExperimentAsync([Body] CreateExperimentRequest request, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/runs/create")]
    Task<RunResponse> CreateRunAsync([Body] CreateRunRequest request, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/runs/update")]
    Task UpdateRunAsync([Body] UpdateRunRequest request, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/runs/log-batch")]
    Task LogBatchAsync([Body] LogBatchRequest request, CancellationToken cancellationToken);

    [Get("/api/2.0/mlflow/runs/get")]
    Task<RunResponse> GetRunAsync([AliasAs("run_id")] string runId, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/runs/search")]
    Task<SearchRunsResponse> SearchRunsAsync([Body] SearchRunsRequest request, CancellationToken cancellationToken);

    [Put("/api/2.0/mlflow-artifacts/artifacts/{**path}")]
    Task UploadArtifactAsync(string path, [Body] HttpContent content, CancellationToken cancellationToken);

    [Get("/api/2.0/mlflow-artifacts/artifacts")]
    Task<ListArtifactsResponse> ListArtifactsAsync([AliasAs("path")] string path, CancellationToken cancellationToken);
}

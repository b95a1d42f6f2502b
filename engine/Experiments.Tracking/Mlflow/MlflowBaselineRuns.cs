using Experiments.Engine.Compile;
using Experiments.Tracking.Gates;

namespace Experiments.Tracking.Mlflow;

/// <summary>Finds a gate's baseline run with runs/search: by tag, by branch, or by id; the newest finished one.</summary>
public sealed class MlflowBaselineRuns(IMlflowApi api, MlflowSettings settings) : IBaselineRuns
{
    public async Task<(string RunId, IReadOnlyDictionary<string, double> Metrics)?> FindAsync(string experiment, BaselineMlflow source, CancellationToken cancellationToken)
    {
        string name = settings.ExperimentName ?? experiment;
        GetExperimentResponse found = await MlflowException.Guard("experiments/get-by-name",
            () => api.GetExperimentByNameAsync(name, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (found.Experiment is not { } mlflowExperiment)
        {
            return null;
        }
        var filters = new List<string> { "attributes.status = 'FINISHED'" };
        if (source.Tag is { } tag)
        {
            int equals = tag.IndexOf('=', StringComparison.Ordinal);
            filters.Add($"tags.`{tag[..equals].Trim()}` = '{Quote(tag[(equals + 1)..].Trim())}'");
        }
        if (source.Branch is { } branch)
        {
            filters.Add($"tags.`mlflow.source.git.branch` = '{Quote(branch)}'");
        }
        if (source.Run is { } run)
        {
            filters.Add($"attributes.run_id = '{Quote(run)}'");
        }
        SearchRunsResponse runs = await MlflowException.Guard("runs/search",
            () => api.SearchRunsAsync(new SearchRunsRequest([mlflowExperiment.ExperimentId], string.Join(" AND ", filters), "ACTIVE_ONLY", 50, ["attributes.start_time DESC"]), cancellationToken),
            cancellationToken).ConfigureAwait(false);
        // A sweep logs shared steps on the parent and swept ones on children: merge the newest parent with its children.
        MlflowRun? newest = runs.Runs?.FirstOrDefault(r => r.Data?.Tags?.Any(t => t.Key == "mlflow.parentRunId") != true) ?? runs.Runs?.FirstOrDefault();
        if (newest is null)
        {
            return null;
        }
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (MlflowMetric metric in newest.Data?.Metrics ?? [])
        {
            metrics[metric.Key] = metric.Value;
        }
        return (newest.Info.RunId, metrics);
    }

    private static string Quote(string value) => value.Replace("'", "\\'", StringComparison.Ordinal);
}

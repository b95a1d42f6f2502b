using Experiments.Engine.Compile;
using Experiments.Tracking.Gates;

namespace Experiments.Tracking.Mlflow;

/// <summary>
/// Finds a gate's baseline run with runs/search: by tag, by branch, or by id; the newest finished
/// invocation (a parent, not a variant's child run), then its children for swept steps.
/// </summary>
public sealed class MlflowBaselineRuns(IMlflowApi api, MlflowSettings settings) : IBaselineRuns
{
    private const int PageSize = 200;

    public async Task<BaselineRun?> FindAsync(string experiment, BaselineMlflow source, CancellationToken cancellationToken)
    {
        string name = settings.ExperimentName ?? experiment;
        GetExperimentResponse found;
        try
        {
            found = await MlflowException.Guard("experiments/get-by-name",
                () => api.GetExperimentByNameAsync(name, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (MlflowException missing) when (missing.ErrorCode == "RESOURCE_DOES_NOT_EXIST")
        {
            // No experiment of that name yet: no run can match.
            return null;
        }
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
        IReadOnlyList<MlflowRun> matches = await SearchAsync(mlflowExperiment.ExperimentId, string.Join(" AND ", filters), 50, cancellationToken).ConfigureAwait(false);
        // Children inherit their parent's tags, so a tag or branch query matches them too: take the newest invocation.
        MlflowRun? newest = matches.FirstOrDefault(r => ParentOf(r) is null) ?? matches.FirstOrDefault();
        if (newest is null)
        {
            return null;
        }
        IReadOnlyList<MlflowRun> children = ParentOf(newest) is null
            ? await SearchAsync(mlflowExperiment.ExperimentId, $"tags.`mlflow.parentRunId` = '{Quote(newest.Info.RunId)}'", PageSize, cancellationToken).ConfigureAwait(false)
            : [];
        return new BaselineRun(newest.Info.RunId, Metrics(newest),
            children.Select(c => new BaselineChild(c.Info.RunId, Params(c), Metrics(c))).ToArray());
    }

    private async Task<IReadOnlyList<MlflowRun>> SearchAsync(string experimentId, string filter, int maxResults, CancellationToken cancellationToken)
    {
        SearchRunsResponse runs = await MlflowException.Guard("runs/search",
            () => api.SearchRunsAsync(new SearchRunsRequest([experimentId], filter, "ACTIVE_ONLY", maxResults, ["attributes.start_time DESC"]), cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return runs.Runs ?? [];
    }

    private static string? ParentOf(MlflowRun run) => run.Data?.Tags?.FirstOrDefault(t => t.Key == "mlflow.parentRunId")?.Value;

    private static Dictionary<string, double> Metrics(MlflowRun run)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (MlflowMetric metric in run.Data?.Metrics ?? [])
        {
            metrics[metric.Key] = metric.Value;
        }
        return metrics;
    }

    private static Dictionary<string, string> Params(MlflowRun run) =>
        (run.Data?.Params ?? []).GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    private static string Quote(string value) => value.Replace("'", "\\'", StringComparison.Ordinal);
}

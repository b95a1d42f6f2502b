using System.Text.Json;

namespace Experiments.Metrics.Documents;

/// <summary>Reads and writes the predictions JSONL file, and pairs two runs' rows by id.</summary>
public static class PredictionsFile
{
    public static void Write(string path, IEnumerable<PredictionRow> rows)
    {
        string temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary))
        {
            writer.NewLine = "\n";
            foreach (PredictionRow row in rows)
            {
                writer.WriteLine(JsonSerializer.Serialize(row, MetricsJson.Lines));
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static IReadOnlyList<PredictionRow> Read(string path)
    {
        var rows = new List<PredictionRow>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            try
            {
                rows.Add(JsonSerializer.Deserialize<PredictionRow>(line, MetricsJson.Lines)
                    ?? throw new MetricsDocumentException($"{path}({lineNumber}): null row"));
            }
            catch (JsonException e)
            {
                throw new MetricsDocumentException($"{path}({lineNumber}): not a prediction row: {e.Message}", e);
            }
        }
        return rows;
    }

    /// <summary>
    /// The per-example <paramref name="metric"/> scores of two runs aligned by id, in the
    /// candidate's order. Both runs must cover the same ids, once each, and score the metric:
    /// otherwise the comparison would silently be over different examples.
    /// </summary>
    public static PairedScores Pair(IReadOnlyList<PredictionRow> candidate, IReadOnlyList<PredictionRow> baseline, string metric)
    {
        Dictionary<string, double> baselineScores = Index(baseline, metric, "baseline");
        Dictionary<string, double> candidateScores = Index(candidate, metric, "candidate");
        string[] missing = candidateScores.Keys.Where(id => !baselineScores.ContainsKey(id)).Take(5).ToArray();
        string[] extra = baselineScores.Keys.Where(id => !candidateScores.ContainsKey(id)).Take(5).ToArray();
        if (missing.Length > 0 || extra.Length > 0)
        {
            throw new MetricsDocumentException(
                $"the runs scored different examples: {candidateScores.Keys.Count(id => !baselineScores.ContainsKey(id))} only in the candidate (e.g. {string.Join(", ", missing)}), "
                + $"{baselineScores.Keys.Count(id => !candidateScores.ContainsKey(id))} only in the baseline (e.g. {string.Join(", ", extra)})");
        }
        string[] ids = candidate.Select(r => r.Id).ToArray();
        return new PairedScores(ids, ids.Select(id => candidateScores[id]).ToArray(), ids.Select(id => baselineScores[id]).ToArray());
    }

    private static Dictionary<string, double> Index(IReadOnlyList<PredictionRow> rows, string metric, string side)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (PredictionRow row in rows)
        {
            if (!row.Scores.TryGetValue(metric, out double score))
            {
                throw new MetricsDocumentException($"{side} example '{row.Id}' has no '{metric}' score (has: {string.Join(", ", row.Scores.Keys)})");
            }
            if (!scores.TryAdd(row.Id, score))
            {
                throw new MetricsDocumentException($"{side} example id '{row.Id}' appears twice");
            }
        }
        return scores;
    }
}

/// <summary>Two runs' per-example scores of one metric, aligned by id.</summary>
public sealed record PairedScores(IReadOnlyList<string> Ids, double[] Candidate, double[] Baseline);

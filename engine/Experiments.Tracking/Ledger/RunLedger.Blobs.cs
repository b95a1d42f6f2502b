using System.Text.Json;
using Experiments.Tracking.Mlflow;
using Microsoft.Data.Sqlite;

namespace Experiments.Tracking.Ledger;

public sealed partial class RunLedger
{
    /// <summary>
    /// Every store blob the ledger needs: the artifacts of its runs (<c>git.diff</c>,
    /// <c>gates.md</c>), which <c>exp show</c> and <c>exp diff</c> read, and those named by artifact
    /// uploads still waiting in the outbox (the same digests today; read separately so an artifact
    /// row replaced after it was queued cannot strand its upload). `exp gc` keeps them all.
    /// </summary>
    public IReadOnlySet<string> ReferencedBlobs() => Read(connection =>
    {
        var digests = new HashSet<string>(StringComparer.Ordinal);
        using (SqliteCommand command = Command(connection, "SELECT DISTINCT digest FROM artifacts"))
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                digests.Add(reader.GetString(0));
            }
        }
        using (SqliteCommand command = Command(connection,
            "SELECT payload FROM outbox WHERE delivered IS NULL AND kind = $k", ("$k", OutboxPlanner.Artifact)))
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (JsonSerializer.Deserialize<ArtifactRow>(reader.GetString(0), MlflowJson.Options) is { Digest: { Length: > 0 } digest })
                {
                    digests.Add(digest);
                }
            }
        }
        return digests;
    });
}

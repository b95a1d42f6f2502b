using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Experiments.Tracking.Ledger;

/// <summary>
/// The local ledger (DESIGN §3 "tracking never loses data"): one SQLite file per store holding
/// experiments, runs, params, tags, metric series, artifacts, the step keys each run used and the
/// MLflow outbox. Everything is written here first, in transactions; MLflow only ever receives
/// copies. Safe to share between threads (one connection behind a lock) and processes (WAL, a
/// busy timeout).
/// </summary>
public sealed partial class RunLedger : IDisposable
{
    public const string FileName = "ledger.db";

    private readonly SqliteConnection _connection;
    private readonly object _lock = new();

    private RunLedger(SqliteConnection connection, string path, TimeProvider clock)
    {
        _connection = connection;
        Path = path;
        Clock = clock;
    }

    public string Path { get; }

    public TimeProvider Clock { get; }

    /// <summary>The ledger of a store (<c>STORE/ledger.db</c>), created and migrated as needed.</summary>
    public static RunLedger OpenStore(string storeRoot, TimeProvider? clock = null) =>
        Open(System.IO.Path.Combine(storeRoot, FileName), clock);

    public static RunLedger Open(string path, TimeProvider? clock = null, int schemaVersion = -1)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;");
            LedgerSchema.Migrate(connection, schemaVersion < 0 ? LedgerSchema.Latest : schemaVersion);
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            throw new LedgerException($"cannot open the ledger `{path}`: {exception.Message}", exception);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return new RunLedger(connection, path, clock ?? TimeProvider.System);
    }

    public int SchemaVersion
    {
        get
        {
            lock (_lock)
            {
                return LedgerSchema.UserVersion(_connection);
            }
        }
    }

    public long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Runs <paramref name="work"/> in one transaction: all of it is committed, or none.</summary>
    public T Write<T>(Func<LedgerWriter, T> work)
    {
        lock (_lock)
        {
            using SqliteTransaction transaction = _connection.BeginTransaction();
            T result = work(new LedgerWriter(this, _connection, transaction));
            transaction.Commit();
            return result;
        }
    }

    public void Write(Action<LedgerWriter> work) => Write<bool>(w =>
    {
        work(w);
        return true;
    });

    /// <summary>Runs a read under the lock.</summary>
    internal T Read<T>(Func<SqliteConnection, T> query)
    {
        lock (_lock)
        {
            return query(_connection);
        }
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach ((string name, object? value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    internal static string ToJson(IReadOnlyList<KeyValuePair<string, string>> pairs) =>
        JsonSerializer.Serialize(pairs.Select(p => new[] { p.Key, p.Value }).ToArray());

    internal static IReadOnlyList<KeyValuePair<string, string>> PairsFromJson(string json) =>
        JsonSerializer.Deserialize<string[][]>(json)!.Select(p => KeyValuePair.Create(p[0], p[1])).ToArray();

    /// <summary>
    /// The identity of a node list, hashed field by field without building its JSON, so a no-op
    /// invocation of thousands of steps finds its list already stored and writes only a reference.
    /// A node's id names its variant, so id, key and status identify it. Optimised at first call:
    /// it runs once per process, where tier-0 code would cost several times the hashing.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static string NodesDigest(IReadOnlyList<NodeRecord> nodes)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        byte[] buffer = new byte[64 * 1024];
        int used = 0;
        foreach (NodeRecord node in nodes)
        {
            int need = System.Text.Encoding.UTF8.GetMaxByteCount(node.Node.Length + (node.Key?.Length ?? 0) + node.Status.Length) + 3;
            if (used + need > buffer.Length)
            {
                hash.AppendData(buffer, 0, used);
                used = 0;
                if (need > buffer.Length)
                {
                    buffer = new byte[need];
                }
            }
            // NUL separates the fields: none of them contains it.
            used += System.Text.Encoding.UTF8.GetBytes(node.Node, buffer.AsSpan(used));
            buffer[used++] = 0;
            used += System.Text.Encoding.UTF8.GetBytes(node.Key ?? string.Empty, buffer.AsSpan(used));
            buffer[used++] = 0;
            used += System.Text.Encoding.UTF8.GetBytes(node.Status, buffer.AsSpan(used));
            buffer[used++] = 0;
        }
        hash.AppendData(buffer, 0, used);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static string NodesToJson(IReadOnlyList<NodeRecord> nodes)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (NodeRecord node in nodes)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(node.Node);
                writer.WriteStringValue(node.Key);
                writer.WriteStringValue(node.Status);
                writer.WriteStartArray();
                foreach ((string dimension, string label) in node.Variant)
                {
                    writer.WriteStringValue(dimension);
                    writer.WriteStringValue(label);
                }
                writer.WriteEndArray();
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    internal static List<NodeRecord> NodesFromJson(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        var nodes = new List<NodeRecord>();
        foreach (JsonElement item in document.RootElement.EnumerateArray())
        {
            JsonElement[] parts = [.. item.EnumerateArray()];
            string[] flat = [.. parts[3].EnumerateArray().Select(e => e.GetString()!)];
            var variant = new KeyValuePair<string, string>[flat.Length / 2];
            for (int i = 0; i < variant.Length; i++)
            {
                variant[i] = KeyValuePair.Create(flat[2 * i], flat[2 * i + 1]);
            }
            nodes.Add(new NodeRecord(parts[0].GetString()!, parts[1].GetString(), parts[2].GetString()!, variant));
        }
        return nodes;
    }

    /// <summary>Scalar results as JSON; non-finite values keep MLflow's spelling as strings.</summary>
    internal static string MetricsToJson(IReadOnlyDictionary<string, double> metrics)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach ((string name, double value) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                if (double.IsFinite(value))
                {
                    writer.WriteNumber(name, value);
                }
                else
                {
                    writer.WriteString(name, LedgerWriter.MlflowNumber(value));
                }
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    internal static Dictionary<string, double> MetricsFromJson(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            metrics[property.Name] = property.Value.ValueKind == JsonValueKind.Number
                ? property.Value.GetDouble()
                : property.Value.GetString() switch { "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity, _ => double.NaN };
        }
        return metrics;
    }

    internal static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        lock (_lock)
        {
            _connection.Dispose();
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Experiments.Tracking.Tests.Support;

/// <summary>What the stand-in does to one matching request instead of (or around) serving it.</summary>
public enum FaultKind
{
    /// <summary>Answer with <see cref="Fault.Status"/> and <see cref="Fault.ErrorCode"/>; nothing is applied.</summary>
    Status,

    /// <summary>Wait <see cref="Fault.Delay"/> (longer than the client's timeout), then apply and answer: the client saw a timeout.</summary>
    HangThenApply,

    /// <summary>Drop the connection before applying anything.</summary>
    DropBeforeApply,

    /// <summary>Apply the request, then drop the connection before answering (the ambiguous case).</summary>
    DropAfterApply,

    /// <summary>Die in the middle of a batch: drop the connection with nothing applied, then refuse everything for <see cref="Fault.Delay"/>.</summary>
    DieMidBatch,

    /// <summary>Answer with a non-JSON text body and <see cref="Fault.Status"/> (a proxy).</summary>
    TextStatus,
}

public sealed record Fault(string Path, FaultKind Kind, int Status = 503, string? ErrorCode = null, TimeSpan? Delay = null, int? RetryAfterSeconds = null);

/// <summary>
/// A protocol-faithful in-process MLflow tracking server (reference: shared/reference/mlflow.md):
/// REST under a path prefix, JSON bodies with Content-Type checks, snake_case fields, MLflow's
/// error codes and statuses, log-batch limits, param immutability and atomic batches, nested
/// runs, runs/search on tags and attributes, and the mlflow-artifacts proxy. Int64 fields are
/// answered as strings (as older servers do). It counts every run, param, metric point and
/// artifact that arrives, keeps duplicates apart, and can be told to fail requests.
/// </summary>
public sealed class MlflowStandIn : IAsyncDisposable
{
    private const string Api = "/api/2.0/mlflow/";
    private const string Artifacts = "/api/2.0/mlflow-artifacts/artifacts";

    private readonly WebApplication _app;
    private readonly object _lock = new();
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly Dictionary<string, JsonObject> _experiments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunState> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _artifacts = new(StringComparer.Ordinal);
    private DateTimeOffset _downUntil = DateTimeOffset.MinValue;
    private int _nextExperiment = 1;

    private MlflowStandIn(WebApplication app, string prefix)
    {
        _app = app;
        Prefix = prefix;
    }

    public string Prefix { get; }

    public string Uri { get; private set; } = string.Empty;

    /// <summary>When set, every request must carry exactly this Authorization header (else 401).</summary>
    public string? ExpectedAuthorization { get; set; }

    /// <summary>Added before every answer (to make delivery slow enough to kill a process in the middle of it).</summary>
    public TimeSpan ResponseDelay { get; set; }

    public ConcurrentQueue<string> Log { get; } = new();

    public ConcurrentQueue<string> AuthorizationHeaders { get; } = new();

    public int Requests;

    public int RunsCreated;

    public int ParamsArrived;

    public int MetricPointsArrived;

    public int TagsArrived;

    public int ArtifactsArrived;

    /// <summary>Everything that arrived twice (a param key, a metric point, an artifact path, a run for one exp run id).</summary>
    public ConcurrentQueue<string> Duplicates { get; } = new();

    /// <summary>Protocol violations by the client (a param after a metric of the same run, a bad field).</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    public static async Task<MlflowStandIn> StartAsync(string prefix = "/mlflow")
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        var standIn = new MlflowStandIn(app, prefix);
        app.Run(standIn.HandleAsync);
        // Started off the test framework's synchronization context, so request handling never waits for a test thread.
        await Task.Run(() => app.StartAsync());
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.Uri = address.TrimEnd('/') + prefix;
        return standIn;
    }

    /// <summary>Completed when a request has been applied and its answer is being held back.</summary>
    public TaskCompletionSource HangStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Injected faults not yet triggered (a test asserts they all fired).</summary>
    public int PendingFaults => _faults.Count;

    public void Inject(params Fault[] faults)
    {
        foreach (Fault fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    public IReadOnlyList<RunState> Runs
    {
        get
        {
            lock (_lock)
            {
                return [.. _runs.Values];
            }
        }
    }

    public IReadOnlyDictionary<string, byte[]> StoredArtifacts
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, byte[]>(_artifacts);
            }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref Requests);
        string path = context.Request.Path.Value ?? string.Empty;
        Log.Enqueue($"{context.Request.Method} {path} @{DateTimeOffset.UtcNow:HH:mm:ss.fff}");
        if (DateTimeOffset.UtcNow < _downUntil)
        {
            context.Abort();
            return;
        }
        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay);
        }
        if (!path.StartsWith(Prefix + "/", StringComparison.Ordinal))
        {
            await Error(context, 404, "ENDPOINT_NOT_FOUND", $"no endpoint {path} (the tracking URI's path prefix must be kept)");
            return;
        }
        path = path[Prefix.Length..];
        AuthorizationHeaders.Enqueue(context.Request.Headers.Authorization.ToString());
        if (ExpectedAuthorization is not null && context.Request.Headers.Authorization.ToString() != ExpectedAuthorization)
        {
            await Error(context, 401, "UNAUTHENTICATED", "You are not authenticated. Please provide valid credentials.");
            return;
        }
        Fault? fault = TakeFault(path);
        if (fault is { Kind: FaultKind.Status })
        {
            if (fault.RetryAfterSeconds is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            }
            await Error(context, fault.Status, fault.ErrorCode ?? DefaultCode(fault.Status), "injected failure");
            return;
        }
        if (fault is { Kind: FaultKind.TextStatus })
        {
            context.Response.StatusCode = fault.Status;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>Service Unavailable</body></html>");
            return;
        }
        if (fault is { Kind: FaultKind.DropBeforeApply })
        {
            context.Abort();
            return;
        }
        if (fault is { Kind: FaultKind.DieMidBatch })
        {
            _downUntil = DateTimeOffset.UtcNow + (fault.Delay ?? TimeSpan.FromSeconds(1));
            context.Abort();
            return;
        }

        (int status, JsonNode? body) = await ServeAsync(context, path);
        if (fault is { Kind: FaultKind.DropAfterApply })
        {
            context.Abort();
            return;
        }
        if (fault is { Kind: FaultKind.HangThenApply })
        {
            HangStarted.TrySetResult();
            await Task.Delay(fault.Delay ?? TimeSpan.FromSeconds(5));
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync((body ?? new JsonObject()).ToJsonString());
    }

    private Fault? TakeFault(string path)
    {
        lock (_lock)
        {
            int count = _faults.Count;
            for (int i = 0; i < count; i++)
            {
                _faults.TryDequeue(out Fault? fault);
                if (fault!.Path.Length > 0 && path.Contains(fault.Path, StringComparison.Ordinal))
                {
                    // The rest keep their order behind it.
                    for (int j = i + 1; j < count; j++)
                    {
                        _faults.TryDequeue(out Fault? rest);
                        _faults.Enqueue(rest!);
                    }
                    return fault;
                }
                _faults.Enqueue(fault);
            }
            return null;
        }
    }

    private static string DefaultCode(int status) => status switch
    {
        429 => "REQUEST_LIMIT_EXCEEDED",
        503 => "TEMPORARILY_UNAVAILABLE",
        500 => "INTERNAL_ERROR",
        404 => "RESOURCE_DOES_NOT_EXIST",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        _ => "INVALID_PARAMETER_VALUE",
    };

    private static async Task Error(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["error_code"] = code, ["message"] = message }.ToJsonString());
    }

    private sealed class ProtocolError(int status, string code, string message) : Exception(message)
    {
        public int Status { get; } = status;

        public string Code { get; } = code;
    }

    private static ProtocolError Invalid(string message) => new(400, "INVALID_PARAMETER_VALUE", message);

    private async Task<(int, JsonNode?)> ServeAsync(HttpContext context, string path)
    {
        try
        {
            if (path.StartsWith(Artifacts, StringComparison.Ordinal))
            {
                return await ServeArtifactAsync(context, path[Artifacts.Length..].TrimStart('/'));
            }
            if (!path.StartsWith(Api, StringComparison.Ordinal))
            {
                throw new ProtocolError(404, "ENDPOINT_NOT_FOUND", $"no endpoint {path}");
            }
            string endpoint = path[Api.Length..];
            string method = context.Request.Method;
            JsonObject request;
            if (method == "GET")
            {
                request = [];
                foreach (var (key, value) in context.Request.Query)
                {
                    request[key] = value.ToString();
                }
            }
            else
            {
                string? contentType = context.Request.ContentType;
                if (contentType is null || !contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
                {
                    throw Invalid($"Content-Type must be application/json, got '{contentType}'");
                }
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                string text = await reader.ReadToEndAsync();
                if (Encoding.UTF8.GetByteCount(text) > 1_000_000)
                {
                    throw Invalid("Batched logging API requests must be at most 1 MB in size");
                }
                request = JsonNode.Parse(text) as JsonObject ?? throw Invalid("the body is not a JSON object");
            }
            lock (_lock)
            {
                return (200, (method, endpoint) switch
                {
                    ("GET", "experiments/get-by-name") => GetExperimentByName(request),
                    ("POST", "experiments/create") => CreateExperiment(request),
                    ("POST", "runs/create") => CreateRun(request),
                    ("POST", "runs/update") => UpdateRun(request),
                    ("POST", "runs/log-batch") => LogBatch(request),
                    ("GET", "runs/get") => new JsonObject { ["run"] = RunJson(Run(Required(request, "run_id"))) },
                    ("POST", "runs/search") => SearchRuns(request),
                    _ => throw new ProtocolError(404, "ENDPOINT_NOT_FOUND", $"no endpoint {method} {endpoint}"),
                });
            }
        }
        catch (ProtocolError error)
        {
            return (error.Status, new JsonObject { ["error_code"] = error.Code, ["message"] = error.Message });
        }
    }

    private static string Required(JsonObject request, string field) =>
        request[field]?.GetValueKind() == JsonValueKind.String && request[field]!.GetValue<string>().Length > 0
            ? request[field]!.GetValue<string>()
            : throw Invalid($"Missing value for required parameter '{field}'.");

    private static long RequiredInt64(JsonObject request, string field)
    {
        JsonNode? node = request[field];
        return node?.GetValueKind() switch
        {
            JsonValueKind.Number => node.GetValue<long>(),
            JsonValueKind.String when long.TryParse(node.GetValue<string>(), CultureInfo.InvariantCulture, out long parsed) => parsed,
            _ => throw Invalid($"Missing value for required parameter '{field}'."),
        };
    }

    private JsonObject GetExperimentByName(JsonObject request)
    {
        string name = Required(request, "experiment_name");
        JsonObject experiment = _experiments.Values.FirstOrDefault(e => e["name"]!.GetValue<string>() == name)
            ?? throw new ProtocolError(404, "RESOURCE_DOES_NOT_EXIST", $"Could not find experiment with name '{name}'");
        return new JsonObject { ["experiment"] = experiment.DeepClone() };
    }

    private JsonObject CreateExperiment(JsonObject request)
    {
        string name = Required(request, "name");
        if (name.Length > 500)
        {
            throw Invalid("experiment name exceeds 500 characters");
        }
        if (_experiments.Values.Any(e => e["name"]!.GetValue<string>() == name))
        {
            throw new ProtocolError(400, "RESOURCE_ALREADY_EXISTS", $"Experiment(name={name}) already exists.");
        }
        return new JsonObject { ["experiment_id"] = AddExperiment(name) };
    }

    /// <summary>Creates an experiment directly (as another client would).</summary>
    public string AddExperiment(string name, bool deleted = false)
    {
        lock (_lock)
        {
            string id = (_nextExperiment++).ToString(CultureInfo.InvariantCulture);
            _experiments[id] = new JsonObject
            {
                ["experiment_id"] = id,
                ["name"] = name,
                ["artifact_location"] = $"mlflow-artifacts:/{id}",
                ["lifecycle_stage"] = deleted ? "deleted" : "active",
                ["creation_time"] = "1700000000000",
                ["last_update_time"] = "1700000000000",
            };
            return id;
        }
    }

    private JsonObject CreateRun(JsonObject request)
    {
        string experimentId = Required(request, "experiment_id");
        if (!_experiments.TryGetValue(experimentId, out JsonObject? experiment))
        {
            throw new ProtocolError(404, "RESOURCE_DOES_NOT_EXIST", $"No Experiment with id={experimentId} exists");
        }
        if (experiment["lifecycle_stage"]!.GetValue<string>() == "deleted")
        {
            throw new ProtocolError(500, "INVALID_STATE", "The experiment is in the deleted state.");
        }
        long start = RequiredInt64(request, "start_time");
        Dictionary<string, string> tags = Tags(request["tags"] as JsonArray);
        string? runName = request["run_name"]?.GetValue<string>();
        if (runName is not null && tags.TryGetValue("mlflow.runName", out string? tagName) && tagName != runName)
        {
            throw Invalid("Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values.");
        }
        string id = Guid.NewGuid().ToString("N");
        var run = new RunState(id, experimentId, runName ?? tags.GetValueOrDefault("mlflow.runName") ?? id, start,
            $"mlflow-artifacts:/{experimentId}/{id}/artifacts");
        foreach ((string key, string value) in tags)
        {
            run.Tags[key] = value;
        }
        if (tags.TryGetValue("exp.run_id", out string? expRunId) && _runs.Values.Any(r => r.Tags.GetValueOrDefault("exp.run_id") == expRunId))
        {
            Duplicates.Enqueue($"run for exp.run_id {expRunId}");
        }
        _runs[id] = run;
        Interlocked.Increment(ref RunsCreated);
        Interlocked.Add(ref TagsArrived, tags.Count);
        return new JsonObject { ["run"] = RunJson(run) };
    }

    private JsonObject UpdateRun(JsonObject request)
    {
        RunState run = Run(Required(request, "run_id"));
        string status = Required(request, "status");
        if (status is not ("RUNNING" or "SCHEDULED" or "FINISHED" or "FAILED" or "KILLED"))
        {
            throw Invalid($"Invalid value {status} for parameter 'status'");
        }
        run.Status = status;
        if (request["end_time"] is not null)
        {
            run.EndTime = RequiredInt64(request, "end_time");
        }
        return new JsonObject { ["run_info"] = RunJson(run)["info"]!.DeepClone() };
    }

    private static readonly Regex s_name = new(@"^[/\w.\- :]*$", RegexOptions.Compiled);

    private static void CheckKey(string key, string what)
    {
        if (key.Length == 0 || key.Length > 250 || !s_name.IsMatch(key) || key.Contains("..", StringComparison.Ordinal)
            || key.Contains("//", StringComparison.Ordinal) || key.StartsWith('/') || key.EndsWith('/'))
        {
            throw Invalid($"Invalid {what} name: '{key}'.");
        }
    }

    private JsonObject LogBatch(JsonObject request)
    {
        RunState run = Run(Required(request, "run_id"));
        var metrics = request["metrics"] as JsonArray ?? [];
        var parameters = request["params"] as JsonArray ?? [];
        var tags = request["tags"] as JsonArray ?? [];
        if (metrics.Count > 1000 || parameters.Count > 100 || tags.Count > 100 || metrics.Count + parameters.Count + tags.Count > 1000)
        {
            throw Invalid($"A batch logging request can contain at most 1000 metrics, 100 params, 100 tags and 1000 items in total; got {metrics.Count}, {parameters.Count}, {tags.Count}.");
        }
        // Validate everything first: a batch applies completely or not at all.
        var newParams = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonNode? item in parameters)
        {
            string key = item?["key"]?.GetValue<string>() ?? throw Invalid("Missing value for required parameter 'key'.");
            string value = item["value"]?.GetValue<string>() ?? throw Invalid("Missing value for required parameter 'value'.");
            CheckKey(key, "param");
            if (value.Length > 6000)
            {
                throw Invalid($"Param value '{value[..20]}...' had length {value.Length}, which exceeded length limit of 6000");
            }
            if (!newParams.TryAdd(key, value))
            {
                throw Invalid($"Duplicate parameter keys have been submitted: ['{key}'].");
            }
            if (run.Params.TryGetValue(key, out string? existing) && existing != value)
            {
                throw Invalid($"Changing param values is not allowed. Param with key='{key}' was already logged with value='{existing}' for run ID='{run.Id}'. Attempted logging new value '{value}'.");
            }
        }
        var newMetrics = new List<(string Key, double Value, long Timestamp, long Step)>();
        foreach (JsonNode? item in metrics)
        {
            if (item is not JsonObject metric)
            {
                throw Invalid("a metric must be an object");
            }
            string key = metric["key"]?.GetValue<string>() ?? throw Invalid("Missing value for required parameter 'key'.");
            CheckKey(key, "metric");
            if (metric.ContainsKey("timeStamp"))
            {
                throw Invalid("unknown field timeStamp (proto field is timestamp)");
            }
            JsonNode? valueNode = metric["value"] ?? throw Invalid($"Missing value for required parameter 'value' of metric {key}.");
            double value = valueNode.GetValueKind() switch
            {
                JsonValueKind.Number => valueNode.GetValue<double>(),
                JsonValueKind.String => valueNode.GetValue<string>() switch
                {
                    "NaN" => double.NaN,
                    "Infinity" => double.PositiveInfinity,
                    "-Infinity" => double.NegativeInfinity,
                    string other => throw Invalid($"bad metric value '{other}'"),
                },
                _ => throw Invalid("bad metric value"),
            };
            long timestamp = RequiredInt64(metric, "timestamp");
            long step = metric["step"] is null ? 0 : RequiredInt64(metric, "step");
            newMetrics.Add((key, value, timestamp, step));
        }
        Dictionary<string, string> newTags = Tags(tags);
        foreach ((string key, string value) in newTags)
        {
            if (value.Length > 8000)
            {
                throw Invalid($"tag value of {key} exceeds 8000 characters");
            }
        }

        foreach ((string key, string value) in newParams)
        {
            if (run.Params.ContainsKey(key))
            {
                Duplicates.Enqueue($"param {run.Id[..8]}/{key}");
            }
            if (run.Metrics.Count > 0)
            {
                Violations.Enqueue($"param {key} logged after metrics in run {run.Id[..8]}");
            }
            run.Params[key] = value;
            Interlocked.Increment(ref ParamsArrived);
        }
        foreach (var point in newMetrics)
        {
            string identity = $"{point.Key}|{point.Step}|{point.Timestamp}|{point.Value.ToString("R", CultureInfo.InvariantCulture)}";
            if (!run.MetricIdentities.Add(identity))
            {
                Duplicates.Enqueue($"metric {run.Id[..8]}/{identity}");
            }
            run.Metrics.Add(point);
            Interlocked.Increment(ref MetricPointsArrived);
        }
        foreach ((string key, string value) in newTags)
        {
            run.Tags[key] = value;
            Interlocked.Increment(ref TagsArrived);
        }
        return [];
    }

    private JsonObject SearchRuns(JsonObject request)
    {
        JsonArray ids = request["experiment_ids"] as JsonArray ?? throw Invalid("Missing value for required parameter 'experiment_ids'.");
        long max = request["max_results"] is null ? 1000 : RequiredInt64(request, "max_results");
        if (max > 50000)
        {
            throw Invalid("Invalid value for parameter 'max_results' supplied. It must be at most 50000");
        }
        string filter = request["filter"]?.GetValue<string>() ?? string.Empty;
        var conditions = new List<Func<RunState, bool>>();
        foreach (string clause in Regex.Split(filter, @"\s+AND\s+", RegexOptions.IgnoreCase).Where(c => c.Trim().Length > 0))
        {
            Match match = Regex.Match(clause.Trim(), @"^(tags|attributes|params|metrics)\.(`[^`]+`|[\w.]+)\s*(=|!=)\s*'((?:[^'\\]|\\.)*)'$");
            if (!match.Success)
            {
                throw Invalid($"Invalid filter '{clause}'");
            }
            string kind = match.Groups[1].Value;
            string key = match.Groups[2].Value.Trim('`');
            bool equal = match.Groups[3].Value == "=";
            string value = match.Groups[4].Value.Replace("\\'", "'", StringComparison.Ordinal);
            conditions.Add(run =>
            {
                string? actual = kind switch
                {
                    "tags" => run.Tags.GetValueOrDefault(key),
                    "params" => run.Params.GetValueOrDefault(key),
                    "attributes" => key switch
                    {
                        "status" => run.Status,
                        "run_id" => run.Id,
                        "run_name" => run.Name,
                        _ => throw Invalid($"Invalid attribute key '{key}'"),
                    },
                    _ => throw Invalid("metric filters are not supported by this stand-in"),
                };
                return equal ? actual == value : actual != value;
            });
        }
        var matching = _runs.Values
            .Where(r => ids.Any(i => i!.GetValue<string>() == r.ExperimentId) && conditions.All(c => c(r)))
            .OrderByDescending(r => r.StartTime)
            .Take((int)max)
            .Select(r => (JsonNode)RunJson(r))
            .ToArray();
        return new JsonObject { ["runs"] = new JsonArray(matching) };
    }

    private async Task<(int, JsonNode?)> ServeArtifactAsync(HttpContext context, string path)
    {
        if (context.Request.Method == "PUT")
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            lock (_lock)
            {
                if (_artifacts.ContainsKey(path))
                {
                    Duplicates.Enqueue($"artifact {path}");
                }
                _artifacts[path] = buffer.ToArray();
                Interlocked.Increment(ref ArtifactsArrived);
            }
            return (200, new JsonObject());
        }
        if (context.Request.Method == "GET" && path.Length == 0)
        {
            string directory = context.Request.Query["path"].ToString().Trim('/');
            lock (_lock)
            {
                var files = new JsonArray(_artifacts
                    .Where(a => a.Key.StartsWith(directory + "/", StringComparison.Ordinal))
                    .Select(a => (JsonNode)new JsonObject { ["path"] = a.Key[(directory.Length + 1)..], ["is_dir"] = false, ["file_size"] = a.Value.Length.ToString(CultureInfo.InvariantCulture) })
                    .ToArray());
                return (200, new JsonObject { ["files"] = files });
            }
        }
        throw new ProtocolError(404, "ENDPOINT_NOT_FOUND", $"no artifact endpoint {context.Request.Method} {path}");
    }

    private static Dictionary<string, string> Tags(JsonArray? tags)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonNode? tag in tags ?? [])
        {
            string key = tag?["key"]?.GetValue<string>() ?? throw Invalid("Missing value for required parameter 'key'.");
            CheckKey(key, "tag");
            result[key] = tag["value"]?.GetValue<string>() ?? throw Invalid("Missing value for required parameter 'value'.");
        }
        return result;
    }

    private RunState Run(string id) =>
        _runs.TryGetValue(id, out RunState? run) ? run : throw new ProtocolError(404, "RESOURCE_DOES_NOT_EXIST", $"Run with id={id} not found");

    private static JsonObject RunJson(RunState run)
    {
        var latest = run.Metrics.GroupBy(m => m.Key).Select(g => g.OrderBy(m => m.Step).ThenBy(m => m.Timestamp).Last());
        return new JsonObject
        {
            ["info"] = new JsonObject
            {
                ["run_id"] = run.Id,
                ["run_uuid"] = run.Id,
                ["run_name"] = run.Name,
                ["experiment_id"] = run.ExperimentId,
                ["user_id"] = "stand-in",
                ["status"] = run.Status,
                // Old servers send int64 as strings; the client must accept both.
                ["start_time"] = run.StartTime.ToString(CultureInfo.InvariantCulture),
                ["artifact_uri"] = run.ArtifactUri,
                ["lifecycle_stage"] = "active",
            },
            ["data"] = new JsonObject
            {
                ["metrics"] = new JsonArray(latest.Select(m => (JsonNode)new JsonObject
                {
                    ["key"] = m.Key,
                    ["value"] = double.IsFinite(m.Value) ? JsonValue.Create(m.Value) : JsonValue.Create(m.Value.ToString(CultureInfo.InvariantCulture)),
                    ["timestamp"] = m.Timestamp.ToString(CultureInfo.InvariantCulture),
                    ["step"] = m.Step.ToString(CultureInfo.InvariantCulture),
                }).ToArray()),
                ["params"] = new JsonArray(run.Params.Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value }).ToArray()),
                ["tags"] = new JsonArray(run.Tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value }).ToArray()),
            },
        };
    }

    public async ValueTask DisposeAsync()
    {
        using var quickly = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(quickly.Token);
        await _app.DisposeAsync();
    }

    public sealed class RunState(string id, string experimentId, string name, long startTime, string artifactUri)
    {
        public string Id { get; } = id;

        public string ExperimentId { get; } = experimentId;

        public string Name { get; } = name;

        public long StartTime { get; } = startTime;

        public string ArtifactUri { get; } = artifactUri;

        public string Status { get; set; } = "RUNNING";

        public long? EndTime { get; set; }

        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Params { get; } = new(StringComparer.Ordinal);

        public List<(string Key, double Value, long Timestamp, long Step)> Metrics { get; } = [];

        public HashSet<string> MetricIdentities { get; } = new(StringComparer.Ordinal);
    }
}

namespace Experiments.Tracking.Tests.Support;

/// <summary>
/// A test class with its own temporary folder and MLflow stand-in, started before each test and
/// stopped after it (xUnit makes one instance per test).
/// </summary>
public abstract class StandInTests : IAsyncLifetime
{
    protected TempFolder Folder { get; } = new();

    protected MlflowStandIn Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await MlflowStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Folder.Dispose();
    }

    /// <summary>The environment of an `exp` that tracks to <paramref name="uri"/> (default: the stand-in), with short timeouts for tests.</summary>
    protected Dictionary<string, string> MlflowEnvironment(string? uri = null, string flushSeconds = "30") => new()
    {
        ["MLFLOW_TRACKING_URI"] = uri ?? Server.Uri,
        ["EXP_MLFLOW_TIMEOUT_SECONDS"] = "1",
        ["EXP_MLFLOW_BACKOFF_MS"] = "20",
        ["EXP_MLFLOW_FLUSH_SECONDS"] = flushSeconds,
    };
}

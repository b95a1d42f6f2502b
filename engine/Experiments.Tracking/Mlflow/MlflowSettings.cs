using System.Globalization;

namespace Experiments.Tracking.Mlflow;

/// <summary>
/// MLflow configuration from the environment, named as MLflow's own client names it
/// (<c>MLFLOW_TRACKING_URI</c>, <c>MLFLOW_TRACKING_USERNAME</c>/<c>_PASSWORD</c> or
/// <c>MLFLOW_TRACKING_TOKEN</c>, <c>MLFLOW_TRACKING_INSECURE_TLS</c>, <c>..._SERVER_CERT_PATH</c>,
/// <c>..._CLIENT_CERT_PATH</c>, <c>MLFLOW_EXPERIMENT_NAME</c>) plus exp's delivery timings. A class,
/// not a record, so no generated <c>ToString</c> can ever print a secret.
/// </summary>
public sealed class MlflowSettings
{
    private MlflowSettings(Uri trackingUri)
    {
        TrackingUri = trackingUri;
    }

    /// <summary>The server, without any user:password part (that moves into <see cref="Username"/>/<see cref="Password"/>).</summary>
    public Uri TrackingUri { get; }

    internal string? Username { get; private init; }

    internal string? Password { get; private init; }

    internal string? Token { get; private init; }

    public bool InsecureTls { get; private init; }

    public string? ServerCertPath { get; private init; }

    public string? ClientCertPath { get; private init; }

    public string? ExperimentName { get; private init; }

    /// <summary>Timeout of one request (<c>EXP_MLFLOW_TIMEOUT_SECONDS</c>, default 30 s).</summary>
    public TimeSpan RequestTimeout { get; private init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long `exp run` waits for delivery before leaving the rest to the next invocation (<c>EXP_MLFLOW_FLUSH_SECONDS</c>, default 10 s).</summary>
    public TimeSpan FlushTimeout { get; private init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of a transient failure inside one delivery attempt (<c>EXP_MLFLOW_RETRIES</c>, default 4).</summary>
    public int Retries { get; private init; } = 4;

    /// <summary>The first backoff delay (<c>EXP_MLFLOW_BACKOFF_MS</c>, default 500 ms); it doubles, with jitter.</summary>
    public TimeSpan BaseDelay { get; private init; } = TimeSpan.FromMilliseconds(500);

    public string AuthKind => Username is not null ? "basic" : Token is not null ? "bearer" : "none";

    /// <summary>The tracking URI as it may be shown: never with credentials.</summary>
    public string Display => TrackingUri.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>Null when MLflow is not configured (no <c>MLFLOW_TRACKING_URI</c>, or a local file/sqlite URI exp does not write).</summary>
    public static MlflowSettings? FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        string? uri = read("MLFLOW_TRACKING_URI");
        if (string.IsNullOrWhiteSpace(uri) || !Uri.TryCreate(uri.Trim(), UriKind.Absolute, out Uri? parsed) || parsed.Scheme is not ("http" or "https"))
        {
            return null;
        }
        string? user = Empty(read("MLFLOW_TRACKING_USERNAME"));
        string? password = Empty(read("MLFLOW_TRACKING_PASSWORD"));
        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            // https://user:pass@host: honoured, then dropped from the URI so it is never printed.
            string[] parts = parsed.UserInfo.Split(':', 2);
            user ??= Uri.UnescapeDataString(parts[0]);
            password ??= parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
            parsed = new UriBuilder(parsed) { UserName = string.Empty, Password = string.Empty }.Uri;
        }
        bool basic = user is not null && password is not null;
        return new MlflowSettings(parsed)
        {
            Username = basic ? user : null,
            Password = basic ? password : null,
            Token = basic ? null : Empty(read("MLFLOW_TRACKING_TOKEN")),
            InsecureTls = read("MLFLOW_TRACKING_INSECURE_TLS") is { } insecure && insecure.Trim().Equals("true", StringComparison.OrdinalIgnoreCase),
            ServerCertPath = Empty(read("MLFLOW_TRACKING_SERVER_CERT_PATH")),
            ClientCertPath = Empty(read("MLFLOW_TRACKING_CLIENT_CERT_PATH")),
            ExperimentName = Empty(read("MLFLOW_EXPERIMENT_NAME")),
            RequestTimeout = Seconds(read("EXP_MLFLOW_TIMEOUT_SECONDS")) ?? TimeSpan.FromSeconds(30),
            FlushTimeout = Seconds(read("EXP_MLFLOW_FLUSH_SECONDS")) ?? TimeSpan.FromSeconds(10),
            Retries = int.TryParse(read("EXP_MLFLOW_RETRIES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int retries) && retries >= 0 ? retries : 4,
            BaseDelay = double.TryParse(read("EXP_MLFLOW_BACKOFF_MS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms >= 0
                ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromMilliseconds(500),
        };
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static TimeSpan? Seconds(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;

    public override string ToString() => $"{Display} (auth: {AuthKind})";
}

using System.Net;
using System.Text.Json;
using Polly.Timeout;
using Refit;

namespace Experiments.Tracking.Mlflow;

/// <summary>How the outbox treats a failed request.</summary>
public enum MlflowFailure
{
    /// <summary>The server said it did not apply it (503, 429…): send again later.</summary>
    Transient,

    /// <summary>No answer (dropped connection, timeout): it may have arrived; check before sending again.</summary>
    Ambiguous,

    /// <summary>Credentials refused: nothing is sent until they are fixed; events stay queued.</summary>
    Unauthorized,

    /// <summary>The server rejected this request for good (bad parameter, deleted run): it is set aside.</summary>
    Rejected,
}

/// <summary>A failed MLflow call, classified, with a message that says what to do. Never carries credentials.</summary>
public sealed class MlflowException(MlflowFailure failure, string message, string? errorCode = null, HttpStatusCode? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    public MlflowFailure Failure { get; } = failure;

    public string? ErrorCode { get; } = errorCode;

    public HttpStatusCode? Status { get; } = status;

    /// <summary>What failed, without the outbox's advice (for callers that only read, such as gates).</summary>
    public string Reason { get; private init; } = message;

    /// <summary>Runs an API call and turns every failure into an <see cref="MlflowException"/>.</summary>
    public static async Task<T> Guard<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ApiException api)
        {
            throw FromResponse(what, api.StatusCode, api.Content, api);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is HttpRequestException or ApiRequestException or TimeoutRejectedException or OperationCanceledException or IOException)
        {
            string reason = exception is TimeoutRejectedException or OperationCanceledException ? "timed out" : "connection failed";
            throw new MlflowException(MlflowFailure.Ambiguous, $"{what}: {reason} ({Describe(exception)}).", inner: exception);
        }
    }

    public static async Task Guard(string what, Func<Task> call, CancellationToken cancellationToken) =>
        await Guard(what, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    internal static MlflowException FromResponse(string what, HttpStatusCode status, string? content, Exception? inner = null)
    {
        string? code = null;
        string? message = null;
        try
        {
            if (!string.IsNullOrWhiteSpace(content) && content.TrimStart().StartsWith('{'))
            {
                MlflowError? error = JsonSerializer.Deserialize<MlflowError>(content, MlflowJson.Options);
                code = error?.ErrorCode;
                message = error?.Message;
            }
        }
        catch (JsonException)
        {
            // Proxies answer with HTML or text: the status says enough.
        }
        string detail = $"{(int)status} {code ?? status.ToString()}{(message is null ? "" : $": {Shorten(message)}")}";
        (MlflowFailure failure, string advice) = (status, code) switch
        {
            (HttpStatusCode.Unauthorized, _) => (MlflowFailure.Unauthorized,
                "check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN; events stay queued for `exp mlflow sync`"),
            (HttpStatusCode.Forbidden, _) => (MlflowFailure.Unauthorized,
                "the credentials lack permission on this experiment; events stay queued for `exp mlflow sync`"),
            (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout, _) => (MlflowFailure.Transient,
                "the server is busy or down; events stay queued and are sent by the next run or `exp mlflow sync`"),
            (HttpStatusCode.InternalServerError, not ("INVALID_STATE" or "INVALID_PARAMETER_VALUE")) => (MlflowFailure.Transient,
                "the server failed; events stay queued and are sent later"),
            _ => (MlflowFailure.Rejected, "the server refused this request; it is set aside (see `exp mlflow status`)"),
        };
        return new MlflowException(failure, $"{what}: MLflow answered {detail}; {advice}.", code, status, inner)
        {
            Reason = $"{what}: MLflow answered {detail}",
        };
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>The innermost transport message (e.g. "Connection refused"); never a URI with credentials, which settings strip.</summary>
    private static string Describe(Exception exception)
    {
        if (exception is TimeoutRejectedException or OperationCanceledException)
        {
            return "no answer in time";
        }
        Exception inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }
        return inner.Message;
    }
}

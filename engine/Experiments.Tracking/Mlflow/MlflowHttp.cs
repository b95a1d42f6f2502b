using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Refit;

namespace Experiments.Tracking.Mlflow;

/// <summary>
/// Builds the HTTP stack to an MLflow server: authentication (Basic or Bearer, never logged), a
/// resilience handler that retries only failures that say the request was not applied (408, 429,
/// 502–504, and 500 other than INVALID_STATE), with exponential backoff, jitter and Retry-After,
/// a timeout per attempt, and TLS options. Dropped connections and timeouts are not retried here:
/// the request may have arrived, so the outbox decides, after checking.
/// </summary>
public static class MlflowHttp
{
    public static IMlflowApi CreateApi(MlflowSettings settings, HttpMessageHandler? transport = null) =>
        RestService.For<IMlflowApi>(CreateClient(settings, transport), new RefitSettings
        {
            ContentSerializer = new SystemTextJsonContentSerializer(MlflowJson.Options),
        });

    public static HttpClient CreateClient(MlflowSettings settings, HttpMessageHandler? transport = null)
    {
        ResiliencePipeline<HttpResponseMessage> pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, settings.Retries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BaseDelay,
                MaxDelay = TimeSpan.FromSeconds(120),
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => args.Outcome.Result is { } response ? IsTransientAsync(response) : ValueTask.FromResult(false),
            })
            .AddTimeout(settings.RequestTimeout)
            .Build();
        var resilience = new ResilienceHandler(pipeline) { InnerHandler = transport ?? CreateTransport(settings) };
        var auth = new AuthenticationHandler(settings) { InnerHandler = resilience };
        // The tracking URI's path is a prefix of every call: keep it, with one trailing slash.
        string baseUri = settings.TrackingUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new HttpClient(auth) { BaseAddress = new Uri(baseUri), Timeout = Timeout.InfiniteTimeSpan };
    }

    private static SocketsHttpHandler CreateTransport(MlflowSettings settings)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
        if (settings.ClientCertPath is { } clientCert)
        {
            handler.SslOptions.ClientCertificates = [X509CertificateLoader.LoadCertificateFromFile(clientCert)];
        }
        if (settings.InsecureTls)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (settings.ServerCertPath is { } serverCert)
        {
            X509Certificate2 trusted = X509CertificateLoader.LoadCertificateFromFile(serverCert);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (errors == System.Net.Security.SslPolicyErrors.None)
                {
                    return true;
                }
                if (certificate is null || chain is null)
                {
                    return false;
                }
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(trusted);
                return chain.Build(new X509Certificate2(certificate));
            };
        }
        return handler;
    }

    /// <summary>Whether a response says "not applied, try again": MLflow's transient statuses, minus 500 INVALID_STATE.</summary>
    internal static async ValueTask<bool> IsTransientAsync(HttpResponseMessage response)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.RequestTimeout:
            case HttpStatusCode.TooManyRequests:
            case HttpStatusCode.BadGateway:
            case HttpStatusCode.ServiceUnavailable:
            case HttpStatusCode.GatewayTimeout:
                return true;
            case HttpStatusCode.InternalServerError:
                await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
                string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                return !body.Contains("INVALID_STATE", StringComparison.Ordinal) && !body.Contains("INVALID_PARAMETER_VALUE", StringComparison.Ordinal);
            default:
                return false;
        }
    }

    /// <summary>Adds the Authorization header; the secret lives only here and in the settings.</summary>
    private sealed class AuthenticationHandler(MlflowSettings settings) : DelegatingHandler
    {
        private readonly AuthenticationHeaderValue? _header = settings.Username is { } user
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{settings.Password}")))
            : settings.Token is { } token ? new AuthenticationHeaderValue("Bearer", token) : null;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (_header is not null)
            {
                request.Headers.Authorization = _header;
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}

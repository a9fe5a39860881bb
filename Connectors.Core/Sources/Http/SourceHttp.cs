using System.Net;
using System.Net.Sockets;
using Connectors.Imports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Connectors.Sources.Http;

public sealed class SourceHttpOptions
{
    public const string Section = "Sources:Http";

    /// <summary>
    /// Hosts (names or addresses) that may be reached even though they are loopback, private or link-local:
    /// an on-premises compliance database gateway, or the local test servers. Empty by default.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>One attempt's timeout; large file downloads stream within it.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest a Retry-After is honoured before the run gives up (and retries with backoff later).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    public int MaxRetries { get; set; } = 5;
}

/// <summary>
/// The one HTTP client every API source (Slack, Zoom, X, LinkedIn, Facebook) uses, from
/// <see cref="IHttpClientFactory"/>: retries that honour Retry-After and never repeat a non-idempotent POST,
/// a timeout per attempt that suits downloads, a circuit breaker, and a connection guard that refuses
/// loopback, private, link-local and cloud metadata addresses unless an administrator allowed the host.
/// </summary>
public static class SourceHttp
{
    public const string ClientName = "sources";

    public static IServiceCollection AddSourceHttp(this IServiceCollection services)
    {
        services.AddOptions<SourceHttpOptions>().BindConfiguration(SourceHttpOptions.Section);
        // RemoveAllResilienceHandlers is marked experimental; it is the documented way to replace the defaults.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptions<SourceHttpOptions>>().Value;
                return new SocketsHttpHandler
                {
                    AutomaticDecompression = DecompressionMethods.All,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    AllowAutoRedirect = false,
                    ConnectCallback = (context, ct) => ConnectGuardedAsync(context.DnsEndPoint, options.AllowedHosts, ct),
                };
            })
            // The service defaults' standard handler is for our own services; sources get their own policy.
            .RemoveAllResilienceHandlers()
            .AddResilienceHandler("source", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<SourceHttpOptions>>().Value;
                var retry = new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromSeconds(1),
                    MaxDelay = options.MaxRetryDelay,
                    ShouldRetryAfterHeader = true,
                };
                // A POST that may have reached the source is not repeated blindly.
                retry.DisableForUnsafeHttpMethods();
                pipeline.AddRetry(retry);
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    SamplingDuration = TimeSpan.FromMinutes(2),
                    MinimumThroughput = 20,
                    FailureRatio = 0.5,
                    BreakDuration = TimeSpan.FromSeconds(30),
                });
                pipeline.AddTimeout(options.AttemptTimeout);
            });
#pragma warning restore EXTEXP0001
        return services;
    }

    /// <summary>A 401 or 403 means the source no longer accepts our credentials: the connector needs an administrator.</summary>
    public static void ThrowIfRejected(HttpResponseMessage response, string source)
    {
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            // Never the token, never the request's headers: only what was refused.
            throw new SourceAuthenticationException(
                $"{source} refused our credentials ({(int)response.StatusCode} {response.ReasonPhrase}) for {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Path)}.");
        }
    }

    /// <summary>
    /// Checks the shape of an administrator-given base URL (absolute http or https) and returns the problem, or
    /// null. Where it may point is checked when connecting, against the resolved addresses and the allowed hosts.
    /// </summary>
    public static string? CheckBaseUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && string.IsNullOrEmpty(uri.UserInfo)
            ? null
            : "Give an absolute https:// URL (without credentials in it).";

    internal static bool IsAllowedHost(string host, IReadOnlyCollection<string> allowedHosts) =>
        allowedHosts.Any(h => string.Equals(h.Trim().Trim('[', ']'), host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));

    /// <summary>Resolves the name and connects only to addresses the guard accepts (so DNS cannot point us inward).</summary>
    private static async ValueTask<Stream> ConnectGuardedAsync(DnsEndPoint endpoint, IReadOnlyCollection<string> allowedHosts, CancellationToken cancellationToken)
    {
        var allowed = IsAllowedHost(endpoint.Host, allowedHosts);
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var usable = addresses.Where(a => allowed || !AddressGuard.Refuses(a)).ToArray();
        if (usable.Length == 0)
        {
            throw new HttpRequestException(
                $"Refused to connect to {endpoint.Host}: it resolves to loopback, private, link-local or metadata addresses only. " +
                "An administrator can allow the host in Sources:Http:AllowedHosts.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>Addresses a source connection must not reach unless allowed: our own network and cloud metadata.</summary>
public static class AddressGuard
{
    public static bool Refuses(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
        {
            return true;
        }
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        var b = address.GetAddressBytes();
        return b[0] == 10                                   // 10/8
            || (b[0] == 172 && b[1] is >= 16 and <= 31)     // 172.16/12
            || (b[0] == 192 && b[1] == 168)                 // 192.168/16
            || (b[0] == 169 && b[1] == 254)                 // link-local, incl. 169.254.169.254 metadata
            || (b[0] == 100 && b[1] is >= 64 and <= 127)    // carrier-grade NAT 100.64/10
            || b[0] == 0 || b[0] >= 224;                    // "this network", multicast, reserved
    }
}

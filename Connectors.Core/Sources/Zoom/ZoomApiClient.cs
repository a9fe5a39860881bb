using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Connectors.Imports;
using Connectors.Sources.Http;

namespace Connectors.Sources.Zoom;

/// <summary>A downloaded file, or why it was not downloaded.</summary>
internal sealed record ZoomDownload(byte[]? Content, string? Problem);

/// <summary>
/// The Zoom API as one run sees it: a Server-to-Server OAuth token requested once and reused for its lifetime,
/// GETs through the shared source client (which retries 429 and 5xx honouring Retry-After), paging by
/// <c>next_page_token</c>, and file downloads with a size limit. Tokens never reach logs or exceptions.
/// </summary>
internal sealed class ZoomApiClient(HttpClient http, ZoomSettings settings, ZoomCredentials credentials, TimeProvider clock)
{
    /// <summary>Token requests refused with 429 or 503 are repeated this many times at most.</summary>
    internal const int TokenAttempts = 3;
    private static readonly TimeSpan TokenMargin = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxTokenRetryDelay = TimeSpan.FromSeconds(60);
    private const int MaxRedirects = 5;

    private readonly Uri _apiBase = settings.ApiBase;
    private string? _token;
    private DateTimeOffset _tokenRenewAt;

    /// <summary>How many tokens this run requested (one, unless a token expired or was revoked during the run).</summary>
    public int TokensRequested { get; private set; }

    /// <summary>
    /// A path segment for a meeting UUID: Zoom asks for UUIDs that begin with <c>/</c> or contain <c>//</c> to be
    /// URL-encoded twice (its router decodes once before matching); other UUIDs are encoded once.
    /// </summary>
    public static string MeetingUuidSegment(string uuid) =>
        uuid.StartsWith('/') || uuid.Contains("//", StringComparison.Ordinal)
            ? Uri.EscapeDataString(Uri.EscapeDataString(uuid))
            : Uri.EscapeDataString(uuid);

    /// <summary>A query string from the pairs that have a value, each encoded.</summary>
    public static string Query(params (string Name, string? Value)[] pairs) =>
        string.Join('&', pairs.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));

    /// <summary>
    /// Every element of <paramref name="arrayName"/> over all pages of a list endpoint; the page token is
    /// passed back until Zoom returns none.
    /// </summary>
    public async IAsyncEnumerable<JsonElement> ListAsync(string path, string query, string arrayName,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? pageToken = null;
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            var pageQuery = pageToken is null ? query : $"{query}&{Query(("next_page_token", pageToken))}";
            using var page = await GetAsync(path, pageQuery, cancellationToken)
                ?? throw new HttpRequestException($"Zoom has no {path} (404).", null, HttpStatusCode.NotFound);
            if (page.RootElement.TryGetProperty(arrayName, out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    yield return item.Clone();
                }
            }
            pageToken = page.RootElement.TryGetProperty("next_page_token", out var next) && next.ValueKind == JsonValueKind.String
                && next.GetString() is { Length: > 0 } token ? token : null;
            if (pageToken is not null && !seenTokens.Add(pageToken))
            {
                throw new HttpRequestException($"Zoom returned the same next_page_token twice for {path}; the listing cannot be trusted.");
            }
        }
        while (pageToken is not null);
    }

    /// <summary>
    /// GETs a JSON document relative to the API base; null when Zoom answers 404. A 401 is retried once with a new
    /// token (the cached one may have been revoked); a second 401, or a 403, means the credentials are refused.
    /// </summary>
    public async Task<JsonDocument?> GetAsync(string path, string query, CancellationToken cancellationToken)
    {
        var uri = new Uri(_apiBase, query.Length == 0 ? path : $"{path}?{query}");
        for (var attempt = 0; ; attempt++)
        {
            var token = await TokenAsync(renew: attempt > 0, cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                continue;
            }
            SourceHttp.ThrowIfRejected(response, "Zoom");
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException(
                    $"Zoom answered {(int)response.StatusCode} {response.ReasonPhrase} for {uri.AbsolutePath}{await ErrorAsync(response, cancellationToken)}.",
                    null, response.StatusCode);
            }
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonDocument.ParseAsync(body, default, cancellationToken);
        }
    }

    /// <summary>
    /// Downloads a file Zoom links to (a recording file's <c>download_url</c>), following redirects by hand (the
    /// source client does not follow them) and sending the token only to Zoom's own hosts.
    /// </summary>
    public async Task<ZoomDownload> DownloadAsync(string url, long maxBytes, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return new ZoomDownload(null, "its download URL is not an http(s) URL");
        }
        var renewed = false;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            var authorized = IsZoomHost(uri);
            if (authorized)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(renew: false, cancellationToken));
            }
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                continue;
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized && authorized && !renewed)
            {
                renewed = true;
                await TokenAsync(renew: true, cancellationToken);
                hop--;
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                return new ZoomDownload(null, $"Zoom answered {(int)response.StatusCode} {response.ReasonPhrase} to its download");
            }
            if (response.Content.Headers.ContentLength is { } length && length > maxBytes)
            {
                return new ZoomDownload(null, $"it is {length:N0} bytes, larger than the {maxBytes:N0} bytes allowed (maxFileBytes)");
            }
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return new ZoomDownload(null, $"it is larger than the {maxBytes:N0} bytes allowed (maxFileBytes)");
                }
                buffer.Write(chunk, 0, read);
            }
            return new ZoomDownload(buffer.ToArray(), null);
        }
        return new ZoomDownload(null, $"its download was redirected more than {MaxRedirects} times");
    }

    /// <summary>Zoom's API and OAuth hosts and zoom.us itself get the token; a CDN a download redirects to does not.</summary>
    private bool IsZoomHost(Uri uri) =>
        string.Equals(uri.Host, _apiBase.Host, StringComparison.OrdinalIgnoreCase)
        || (Uri.TryCreate(settings.OAuthUrl, UriKind.Absolute, out var oauth) && string.Equals(uri.Host, oauth.Host, StringComparison.OrdinalIgnoreCase))
        || uri.Host.Equals("zoom.us", StringComparison.OrdinalIgnoreCase)
        || uri.Host.EndsWith(".zoom.us", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The cached access token, or a new one (account_credentials grant) when there is none, it is close to expiry,
    /// or <paramref name="renew"/> asks for one. The token request is a POST, which the source client never
    /// repeats; repeating it is safe (it only mints another token, and Zoom allows several), so a 429 or 503 is
    /// retried here after its Retry-After, a few times at most.
    /// </summary>
    private async Task<string> TokenAsync(bool renew, CancellationToken cancellationToken)
    {
        if (!renew && _token is not null && clock.GetUtcNow() < _tokenRenewAt)
        {
            return _token;
        }
        var uri = new Uri($"{settings.OAuthUrl}{(settings.OAuthUrl.Contains('?') ? '&' : '?')}{Query(("grant_type", "account_credentials"), ("account_id", settings.AccountId))}");
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.ClientId}:{credentials.ClientSecret}"));
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
            request.Content = new FormUrlEncodedContent([]);
            using var response = await http.SendAsync(request, cancellationToken);
            TokensRequested++;
            if ((response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable) && attempt < TokenAttempts)
            {
                await Task.Delay(RetryDelay(response, attempt), cancellationToken);
                continue;
            }
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var (error, reason) = OAuthError(body);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                || error is "invalid_client" or "invalid_grant" or "unauthorized_client" or "access_denied")
            {
                throw new SourceAuthenticationException(
                    $"Zoom refused the connector's OAuth credentials ({(int)response.StatusCode}{(error is null ? "" : $" {error}")}{(reason is null ? "" : $": {reason}")}). " +
                    "Check the account id, client id and client secret of the Server-to-Server OAuth app, and that the app is activated.");
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException(
                    $"Zoom's OAuth endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}{(error is null ? "" : $" ({error}{(reason is null ? "" : $": {reason}")})")}.",
                    null, response.StatusCode);
            }
            string? token = null;
            var lifetime = TimeSpan.FromHours(1);
            try
            {
                using var json = JsonDocument.Parse(body);
                token = json.RootElement.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (json.RootElement.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var seconds) && seconds > 0)
                {
                    lifetime = TimeSpan.FromSeconds(seconds);
                }
            }
            catch (JsonException)
            {
                // Reported below, without the body (it could hold a token).
            }
            if (string.IsNullOrEmpty(token))
            {
                throw new HttpRequestException("Zoom's OAuth endpoint answered without an access_token.");
            }
            _token = token;
            // Renew a little before expiry so a long request never starts with a token about to lapse.
            _tokenRenewAt = clock.GetUtcNow() + (lifetime > TokenMargin * 2 ? lifetime - TokenMargin : lifetime / 2);
            return token;
        }
    }

    private static TimeSpan RetryDelay(HttpResponseMessage response, int attempt)
    {
        var retryAfter = response.Headers.RetryAfter;
        var delay = retryAfter?.Delta
            ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : TimeSpan.FromSeconds(Math.Pow(2, attempt)));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxTokenRetryDelay ? MaxTokenRetryDelay : delay;
    }

    /// <summary>The OAuth error and reason Zoom puts in an error body, e.g. <c>{"reason":"Invalid client_id or client_secret","error":"invalid_client"}</c>.</summary>
    private static (string? Error, string? Reason) OAuthError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }
            var error = json.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            var reason = json.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()
                : json.RootElement.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return (error, reason is { Length: > 200 } ? reason[..200] : reason);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>Zoom's error code and message (<c>{"code":124,"message":"…"}</c>) for an exception, when it sent them.</summary>
    private static async Task<string> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var json = JsonDocument.Parse(body);
            var code = json.RootElement.TryGetProperty("code", out var c) ? c.ToString() : null;
            var message = json.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (message is { Length: > 200 })
            {
                message = message[..200];
            }
            return code is null && message is null ? "" : $" (code {code}: {message})";
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or InvalidOperationException)
        {
            return "";
        }
    }
}

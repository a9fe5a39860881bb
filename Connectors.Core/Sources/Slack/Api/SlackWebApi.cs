using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Connectors.Imports;
using Connectors.Sources.Http;

namespace Connectors.Sources.Slack.Api;

/// <summary>
/// Slack answered a Web API method with <c>"ok": false</c> (<see cref="Error"/> is Slack's code), or the method could
/// not be called at all (<see cref="Error"/> is null: rate limit still in force after the retries, server error,
/// network, an answer that is not JSON). Never carries the token.
/// </summary>
public sealed class SlackApiException(string method, string? error, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Method { get; } = method;

    /// <summary>Slack's error code (<c>channel_not_found</c>, <c>not_in_channel</c>…), or null when Slack gave no answer.</summary>
    public string? Error { get; } = error;

    /// <summary>An answer about one conversation or thread (not a passing fault): the run goes on with the others.</summary>
    public bool IsAboutTheRequest => Error is not null && !TransientErrors.Contains(Error);

    private static readonly HashSet<string> TransientErrors =
        new(["ratelimited", "internal_error", "fatal_error", "request_timeout", "service_unavailable"], StringComparer.Ordinal);
}

/// <summary>
/// The few Slack Web API calls the importer makes: GET with the bearer token in the Authorization header (never in
/// the URL), through the sources' HTTP client (retries honouring Retry-After, circuit breaker, connect guard), cursor
/// paging by <c>response_metadata.next_cursor</c>, and Slack's errors (HTTP 200 with <c>"ok": false</c>) mapped:
/// credential errors to <see cref="SourceAuthenticationException"/>, the rest to <see cref="SlackApiException"/>.
/// </summary>
internal sealed class SlackWebApi(HttpClient http, Uri baseUri, string token)
{
    /// <summary>Items asked for per page; Slack may return fewer (and recommends 100–200).</summary>
    public const int PageLimit = 200;

    /// <summary>The largest API answer read (one page of messages); a bigger one is refused, not buffered.</summary>
    public const long MaxResponseBytes = 64L * 1024 * 1024;

    /// <summary>Errors that mean the token is no good (or lacks a scope): an administrator must act.</summary>
    private static readonly HashSet<string> CredentialErrors = new(
    [
        "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "missing_scope",
        "not_allowed_token_type", "no_permission", "ekm_access_denied", "team_access_not_granted", "invalid_token",
    ], StringComparer.Ordinal);

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = SlackLimits.MaxJsonDepth };

    public Uri BaseUri => baseUri;

    /// <summary>Calls <paramref name="method"/> once and returns its answer (<c>"ok": true</c>); the caller disposes it.</summary>
    public async Task<JsonDocument> CallAsync(string method, IEnumerable<(string Name, string? Value)> arguments, CancellationToken cancellationToken)
    {
        var uri = new Uri(baseUri, method + Query(arguments));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or Polly.ExecutionRejectedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new SlackApiException(method, null, $"Slack could not be reached for {method}: {e.Message}", e);
        }
        using (response)
        {
            SourceHttp.ThrowIfRejected(response, "Slack");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new SlackApiException(method, null,
                    $"Slack kept rate-limiting {method} (429) after the retries; the next run resumes from the last committed point.");
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new SlackApiException(method, null, $"Slack answered {method} with {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
            var document = await ReadJsonAsync(method, response, cancellationToken);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && SlackJson.IsTrue(root, "ok"))
            {
                return document;
            }
            using (document)
            {
                throw Failure(method, root);
            }
        }
    }

    /// <summary>
    /// Every page of a cursor-paged method. Each page is disposed when the caller asks for the next one, so use a
    /// page's elements only inside the loop body.
    /// </summary>
    public async IAsyncEnumerable<JsonDocument> PagesAsync(string method, IReadOnlyList<(string Name, string? Value)> arguments,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var page = await CallAsync(method, cursor is null ? arguments : [.. arguments, ("cursor", cursor)], cancellationToken);
            using (page)
            {
                yield return page;
                cursor = SlackJson.NonEmpty(SlackJson.Object(page.RootElement, "response_metadata"), "next_cursor");
            }
            if (cursor is null)
            {
                yield break;
            }
            if (!seen.Add(cursor))
            {
                throw new SlackApiException(method, null, $"Slack gave {method} the same next_cursor twice; paging stopped so it cannot loop.");
            }
        }
    }

    private static Exception Failure(string method, JsonElement root)
    {
        var error = SlackJson.NonEmpty(root, "error") ?? "unknown_error";
        if (CredentialErrors.Contains(error))
        {
            var needed = SlackJson.NonEmpty(root, "needed") is { } scopes ? $"; the token needs the scope(s) {scopes}" : "";
            return new SourceAuthenticationException($"Slack refused the API token on {method}: {error}{needed}. Give the connector a valid token (credentials.apiToken).");
        }
        var messages = SlackJson.Array(SlackJson.Object(root, "response_metadata"), "messages")
            .Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()).ToList();
        var detail = messages.Count > 0 ? $" ({string.Join("; ", messages)})" : "";
        return new SlackApiException(method, error, $"Slack answered {method} with error {error}{detail}.");
    }

    private static async Task<JsonDocument> ReadJsonAsync(string method, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new SlackApiException(method, null, $"Slack's answer to {method} is larger than {MaxResponseBytes:N0} bytes; it was not read.");
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await ReadAsync(body, chunk, method, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                throw new SlackApiException(method, null, $"Slack's answer to {method} is larger than {MaxResponseBytes:N0} bytes; it was not read.");
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new SlackApiException(method, null,
                $"Slack's answer to {method} is not JSON ({response.Content.Headers.ContentType?.MediaType ?? "no content type"}): {e.Message}", e);
        }
    }

    /// <summary>How long a body may send nothing before the read is given up (the retry timeout covers only the headers).</summary>
    public static readonly TimeSpan ReadIdleTimeout = TimeSpan.FromMinutes(2);

    /// <summary>One read of a body, given up after <see cref="ReadIdleTimeout"/> without a byte.</summary>
    public static async Task<int> ReadIdleLimitedAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(ReadIdleTimeout);
        try
        {
            return await body.ReadAsync(buffer, idle.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"nothing was received for {ReadIdleTimeout.TotalSeconds:0} seconds");
        }
    }

    private static async Task<int> ReadAsync(Stream body, byte[] buffer, string method, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadIdleLimitedAsync(body, buffer, cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new SlackApiException(method, null, $"Slack's answer to {method} broke off: {e.Message}", e);
        }
    }

    private static string Query(IEnumerable<(string Name, string? Value)> arguments)
    {
        var query = new StringBuilder();
        foreach (var (name, value) in arguments)
        {
            if (value is null)
            {
                continue;
            }
            query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        return query.ToString();
    }
}

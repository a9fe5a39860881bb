using System.Globalization;
using System.Net;
using System.Text.Json;
using Connectors.Sources.Http;

namespace Connectors.Sources.Social;

/// <summary>The source's rate limit is exhausted for longer than a run waits: the run fails and is retried later.</summary>
public sealed class SourceRateLimitedException(string message) : Exception(message);

/// <summary>
/// GETs JSON pages from a social API with the shared source HTTP client (its retries already honour Retry-After).
/// Adds what the client cannot know: the vendor's authentication header, a wait for a rate-limit reset the vendor
/// gives in its own header (X's <c>x-rate-limit-reset</c>), the vendor's error shapes, and a guard that only follows
/// "next page" URLs on the configured host. Tokens never appear in exceptions: only URL paths do.
/// </summary>
public sealed class SocialApi(
    HttpClient client,
    Uri baseUri,
    string vendor,
    Action<HttpRequestMessage> authorize,
    TimeSpan maxRateLimitWait,
    TimeProvider clock,
    Func<HttpResponseMessage, string, Exception?>? errorMapper = null)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>Responses larger than this are refused (a page of posts is a few hundred KB at most).</summary>
    public const long MaxResponseBytes = 32L * 1024 * 1024;

    public Uri BaseUri { get; } = baseUri;

    /// <summary>A path (and query) relative to the base URL.</summary>
    public Uri Relative(string pathAndQuery) => new(BaseUri, pathAndQuery);

    /// <summary>
    /// A "next page" URL the API returned, if it is on the base URL's scheme, host and port; otherwise an error, since
    /// following it could send our token elsewhere. Query parameters named <paramref name="stripParameters"/> are removed
    /// (Facebook repeats the access token in its next URLs; we send it in a header).
    /// </summary>
    public Uri FollowNext(string next, params string[] stripParameters)
    {
        if (!Uri.TryCreate(next, UriKind.Absolute, out var uri))
        {
            throw new HttpRequestException($"{vendor} returned a next-page link that is not an absolute URL; paging stopped.");
        }
        if (!string.Equals(uri.Scheme, BaseUri.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.Host, BaseUri.Host, StringComparison.OrdinalIgnoreCase)
            || uri.Port != BaseUri.Port)
        {
            throw new HttpRequestException(
                $"{vendor} returned a next-page link on another host ({uri.Scheme}://{uri.Authority}); it was not followed, and paging stopped.");
        }
        if (stripParameters.Length == 0 || string.IsNullOrEmpty(uri.Query))
        {
            return uri;
        }
        var kept = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !stripParameters.Contains(Uri.UnescapeDataString(p.Split('=')[0]), StringComparer.OrdinalIgnoreCase));
        return new UriBuilder(uri) { Query = string.Join('&', kept) }.Uri;
    }

    public async Task<JsonDocument> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("application/json");
            authorize(request);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var path = url.GetLeftPart(UriPartial.Path);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // The client's retries gave up (or the vendor named its reset in its own header): wait for the reset
                // when it is near, otherwise end the run; its committed pages stand and the next run resumes.
                var wait = RateLimitWait(response);
                if (attempt < 3 && wait is { } delay && delay <= maxRateLimitWait)
                {
                    await Task.Delay(delay, clock, cancellationToken);
                    continue;
                }
                throw new SourceRateLimitedException(
                    $"{vendor} rate limit reached for {path}" + (wait is { } w ? $"; it resets in {Math.Ceiling(w.TotalSeconds)} s." : "."));
            }
            if (!response.IsSuccessStatusCode)
            {
                var body = await ReadTextAsync(response, cancellationToken);
                if (errorMapper?.Invoke(response, body) is { } mapped)
                {
                    throw mapped;
                }
                SourceHttp.ThrowIfRejected(response, vendor);
                throw new HttpRequestException(
                    $"{vendor} answered {(int)response.StatusCode} {response.ReasonPhrase} for {path}: {Excerpt(body)}", null, response.StatusCode);
            }
            if (response.Content.Headers.ContentLength > MaxResponseBytes)
            {
                throw new HttpRequestException($"{vendor} sent a response over {MaxResponseBytes / 1024 / 1024} MB for {path}; refused.");
            }
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            await CopyLimitedAsync(stream, buffer, path, cancellationToken);
            buffer.Position = 0;
            try
            {
                return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), DocumentOptions);
            }
            catch (JsonException ex)
            {
                throw new HttpRequestException($"{vendor} sent a response that is not JSON for {path}: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// POSTs a JSON body and reads the JSON answer. Not repeated on failure (the client pipeline never retries a POST,
    /// and neither does this): a 429 or any other error is an <see cref="HttpRequestException"/> for the caller to record.
    /// </summary>
    public async Task<JsonDocument> PostJsonAsync(Uri url, string json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        authorize(request);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var path = url.GetLeftPart(UriPartial.Path);
        if (!response.IsSuccessStatusCode)
        {
            var body = await ReadTextAsync(response, cancellationToken);
            if (errorMapper?.Invoke(response, body) is { } mapped)
            {
                throw mapped;
            }
            SourceHttp.ThrowIfRejected(response, vendor);
            throw new HttpRequestException(
                $"{vendor} answered {(int)response.StatusCode} {response.ReasonPhrase} for POST {path}: {Excerpt(body)}", null, response.StatusCode);
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        await CopyLimitedAsync(stream, buffer, path, cancellationToken);
        try
        {
            return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new HttpRequestException($"{vendor} sent a response that is not JSON for POST {path}: {ex.Message}");
        }
    }

    private async Task CopyLimitedAsync(Stream source, MemoryStream target, string path, CancellationToken cancellationToken)
    {
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (target.Length + read > MaxResponseBytes)
            {
                throw new HttpRequestException($"{vendor} sent a response over {MaxResponseBytes / 1024 / 1024} MB for {path}; refused.");
            }
            target.Write(chunk, 0, read);
        }
    }

    /// <summary>How long until the vendor's limit resets: Retry-After, or X's <c>x-rate-limit-reset</c> (epoch seconds).</summary>
    public TimeSpan? RateLimitWait(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }
            if (retryAfter.Date is { } date)
            {
                var until = date - clock.GetUtcNow();
                return until < TimeSpan.Zero ? TimeSpan.Zero : until;
            }
        }
        if (response.Headers.TryGetValues("x-rate-limit-reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            var until = DateTimeOffset.FromUnixTimeSeconds(epoch) - clock.GetUtcNow();
            // One second of slack: the reset is given in whole seconds.
            return until < TimeSpan.Zero ? TimeSpan.FromSeconds(1) : until + TimeSpan.FromSeconds(1);
        }
        return null;
    }

    private static async Task<string> ReadTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new char[8192];
            using var reader = new StreamReader(stream);
            var read = await reader.ReadBlockAsync(buffer, cancellationToken);
            return new string(buffer, 0, read);
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static string Excerpt(string body)
    {
        var oneLine = string.Join(' ', body.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return oneLine.Length == 0 ? "(no body)" : oneLine.Length <= 300 ? oneLine : oneLine[..300] + "…";
    }
}

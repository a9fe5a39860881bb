using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Imports;
using Connectors.Sources.Files;
using Connectors.Sources.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Connectors.Sources.Social.SocialJson;

namespace Connectors.Sources.Social.Facebook;

/// <summary>
/// Imports a Facebook business page through the Graph API: <c>GET {pageId}/feed</c> with the comments and their replies
/// expanded, following <c>paging.next</c> (only on the configured host, and without the access token Facebook puts in
/// it: ours goes in the Authorization header). Each run reads from <c>since</c> = the newest post seen minus the
/// connector's lookback, and at least <see cref="FacebookSettings.CommentWindowDays"/> back, so late comments and edits
/// on recent posts are caught; dedup absorbs the overlap. An expired or revoked token (Graph error 190) puts the
/// connector in NeedsReauth.
/// </summary>
public sealed partial class FacebookSource(IHttpClientFactory httpClients, CredentialProtector protector, IOptions<SourceHttpOptions> httpOptions,
    TimeProvider clock, ILogger<FacebookSource> logger) : IConnectorSource
{
    public const string Stream = "feed";
    private const string CommentFields = "id,message,created_time,from,attachment";
    public const string Fields =
        "id,message,story,created_time,updated_time,from,permalink_url,attachments{media_type,type,title,url}," +
        "comments{" + CommentFields + ",comments{" + CommentFields + "}}";

    /// <summary>Graph error codes that mean the token or its permissions are no longer good.</summary>
    private static readonly int[] AuthCodes = [102, 190, 10];

    /// <summary>Graph error codes for throttling (sent as 400/403, not 429).</summary>
    private static readonly int[] ThrottleCodes = [4, 17, 32, 613, 80001];

    public string Type => ConnectorTypes.Facebook;

    public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var settings = ConnectorSettings.Read<FacebookSettings>(context.Connector);
        var token = SocialCredentials.Require(SocialCredentials.Read<FacebookCredentials>(context.Connector, protector)?.PageAccessToken,
            "Facebook", "pageAccessToken");
        var api = new SocialApi(httpClients.CreateClient(SourceHttp.ClientName),
            SocialValidation.BaseUri(settings.BaseUrl, FacebookSettings.DefaultBaseUrl), "Facebook",
            request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token),
            httpOptions.Value.MaxRetryDelay, clock, MapError);
        var pageId = settings.PageId ?? throw new InvalidOperationException("The Facebook connector has no page id.");

        var cursor = SocialCursor.Parse(context.Cursor);
        var newest = cursor[Stream]?.NewestAt;
        DateTimeOffset? since = newest is { } n
            ? Min(n - context.Connector.Lookback, clock.GetUtcNow() - TimeSpan.FromDays(settings.CommentWindowDays))
            : null;
        var query = $"fields={Uri.EscapeDataString(Fields)}&limit={settings.PageSize.ToString(CultureInfo.InvariantCulture)}";
        if (since is { } s)
        {
            query += $"&since={s.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";
        }
        var next = api.Relative($"{Uri.EscapeDataString(pageId)}/feed?{query}");
        var pages = 0;
        while (true)
        {
            using var page = await api.GetAsync(next, cancellationToken);
            var items = new List<SourceItem>();
            foreach (var post in Array(page.RootElement, "data"))
            {
                await ReadPostAsync(context, api, pageId, post, items, cancellationToken);
            }
            foreach (var item in items.Where(i => i.ParentId is null))
            {
                newest = newest is { } current && current >= item.SentAt ? current : item.SentAt;
            }
            var link = Array(page.RootElement, "data").Any() ? Text(Child(page.RootElement, "paging"), "next") : null;
            // The feed pages newest first: the new position is committed with the pass's last page only.
            var after = link is null ? cursor.With(Stream, new StreamCursor(NewestAt: newest)) : cursor;
            await context.ImportBatchAsync(items, after.ToJson(), cancellationToken);
            if (link is null)
            {
                break;
            }
            if (++pages > 10_000)
            {
                throw new HttpRequestException("Facebook kept returning next pages of the feed (over 10,000); paging stopped.");
            }
            // Checked after the page is committed: a bad link stops the run, not what was already read.
            next = api.FollowNext(link, "access_token");
        }
        LogFeed(logger, context.Connector.Id, pages + 1, since, newest);
    }

    private static async Task ReadPostAsync(ImportContext context, SocialApi api, string pageId, JsonElement post, List<SourceItem> items,
        CancellationToken cancellationToken)
    {
        Take(context, FacebookFeed.Post(post, pageId), items, "Facebook feed");
        // A post that could not be read still has its comments read, when it has an id to hang them on.
        if (Text(post, "id") is not { } postId)
        {
            return;
        }
        await foreach (var comment in EdgeAsync(api, Child(post, "comments"), cancellationToken))
        {
            if (!Take(context, FacebookFeed.Comment(comment, pageId, postId, postId), items, $"Facebook post {postId}"))
            {
                continue;
            }
            var commentId = Text(comment, "id")!;
            await foreach (var reply in EdgeAsync(api, Child(comment, "comments"), cancellationToken))
            {
                Take(context, FacebookFeed.Comment(reply, pageId, postId, commentId), items, $"Facebook comment {commentId}");
            }
        }
    }

    /// <summary>An edge's objects (<c>{data, paging}</c>) with its further pages, which Facebook links with <c>paging.next</c>.</summary>
    private static async IAsyncEnumerable<JsonElement> EdgeAsync(SocialApi api, JsonElement edge,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var value in Array(edge, "data"))
        {
            yield return value;
        }
        var next = Text(Child(edge, "paging"), "next");
        for (var pages = 0; next is not null && pages < 10_000; pages++)
        {
            using var page = await api.GetAsync(api.FollowNext(next, "access_token"), cancellationToken);
            var any = false;
            foreach (var value in Array(page.RootElement, "data"))
            {
                any = true;
                // Cloned: the page's document is disposed once its objects are read.
                yield return value.Clone();
            }
            next = any ? Text(Child(page.RootElement, "paging"), "next") : null;
        }
    }

    private static bool Take(ImportContext context, ParsedEntry entry, List<SourceItem> items, string where)
    {
        switch (entry)
        {
            case ParsedItem { Item: var item }:
                items.Add(item);
                return true;
            case ParseFailure failure:
                context.FailedToParse(failure.Reason, failure.ItemId, where);
                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// Graph errors come as <c>{"error":{"message","type","code","error_subcode"}}</c>, usually with HTTP 400: code 190
    /// (expired or invalid token), 102 and 10 mean the credentials; 4, 17, 32 and 613 mean throttling.
    /// </summary>
    public static Exception? MapError(HttpResponseMessage response, string body)
    {
        int? code = null;
        int? subcode = null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var error = Child(document.RootElement, "error");
            code = (int?)Number(error, "code");
            subcode = (int?)Number(error, "error_subcode");
            message = Text(error, "message");
        }
        catch (JsonException)
        {
            return null;
        }
        var detail = $"Graph error {code}{(subcode is null ? "" : $"/{subcode}")}: {message}";
        if (code is { } c && (AuthCodes.Contains(c) || c is >= 200 and < 300))
        {
            return new SourceAuthenticationException($"Facebook refused the page access token ({detail}). Enter a new token.");
        }
        if (code is { } t && ThrottleCodes.Contains(t))
        {
            return new SourceRateLimitedException($"Facebook throttled the page's requests ({detail}); the next run continues.");
        }
        return null;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    [LoggerMessage(LogLevel.Information, "Facebook connector {ConnectorId}: feed read in {Pages} page(s) since {Since}; newest post {Newest}")]
    private static partial void LogFeed(ILogger logger, Guid connectorId, int pages, DateTimeOffset? since, DateTimeOffset? newest);
}

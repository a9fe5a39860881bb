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

namespace Connectors.Sources.Social.LinkedIn;

/// <summary>
/// Imports a LinkedIn company page through the versioned REST API (<c>LinkedIn-Version</c> and
/// <c>X-Restli-Protocol-Version: 2.0.0</c> on every call): <c>GET posts?q=author&amp;author=urn:li:organization:{id}</c>,
/// newest modified first, paged with <c>start</c>/<c>count</c> against <c>paging.total</c>, and each post's comments
/// with <c>GET socialActions/{postUrn}/comments</c> (replies with the comment's URN). A run reads posts modified since
/// the newest one seen minus the lookback, and at least <see cref="LinkedInSettings.CommentWindowDays"/> back, so new
/// comments on recent posts are caught; dedup absorbs the overlap.
/// </summary>
public sealed partial class LinkedInSource(IHttpClientFactory httpClients, CredentialProtector protector, IOptions<SourceHttpOptions> httpOptions,
    TimeProvider clock, ILogger<LinkedInSource> logger) : IConnectorSource
{
    public const string Stream = "posts";
    public const int CommentPageSize = 100;
    private const int MaxPages = 10_000;

    public string Type => ConnectorTypes.LinkedIn;

    public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var settings = ConnectorSettings.Read<LinkedInSettings>(context.Connector);
        var token = SocialCredentials.Require(SocialCredentials.Read<LinkedInCredentials>(context.Connector, protector)?.AccessToken,
            "LinkedIn", "accessToken");
        var api = new SocialApi(httpClients.CreateClient(SourceHttp.ClientName),
            SocialValidation.BaseUri(settings.BaseUrl, LinkedInSettings.DefaultBaseUrl), "LinkedIn",
            request =>
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Add("LinkedIn-Version", settings.Version);
                request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
            },
            httpOptions.Value.MaxRetryDelay, clock);
        var organizationId = settings.OrganizationId ?? throw new InvalidOperationException("The LinkedIn connector has no organization id.");

        var cursor = SocialCursor.Parse(context.Cursor);
        var newest = cursor[Stream]?.NewestAt;
        DateTimeOffset? windowStart = newest is { } n
            ? Min(n - context.Connector.Lookback, clock.GetUtcNow() - TimeSpan.FromDays(settings.CommentWindowDays))
            : null;
        var author = Uri.EscapeDataString(settings.OrganizationUrn);
        var start = 0;
        for (var pages = 0; ; pages++)
        {
            if (pages > MaxPages)
            {
                throw new HttpRequestException("LinkedIn kept returning pages of posts (over 10,000); paging stopped.");
            }
            using var page = await api.GetAsync(api.Relative(
                $"posts?q=author&author={author}&sortBy=LAST_MODIFIED&count={settings.PageSize.ToString(CultureInfo.InvariantCulture)}&start={start.ToString(CultureInfo.InvariantCulture)}"),
                cancellationToken);
            var elements = Array(page.RootElement, "elements").ToList();
            var items = new List<SourceItem>();
            var reachedWindow = false;
            foreach (var post in elements)
            {
                var modified = Number(post, "lastModifiedAt") ?? Number(post, "createdAt");
                if (windowStart is { } from && modified is { } ms && DateTimeOffset.FromUnixTimeMilliseconds(ms) < from)
                {
                    // Newest modified first: everything after this was read by an earlier run.
                    reachedWindow = true;
                    break;
                }
                if (modified is { } at)
                {
                    var time = DateTimeOffset.FromUnixTimeMilliseconds(at);
                    newest = newest is { } current && current >= time ? current : time;
                }
                await ReadPostAsync(context, api, organizationId, post, items, cancellationToken);
            }
            var paging = Child(page.RootElement, "paging");
            start += elements.Count;
            var total = Number(paging, "total");
            var last = reachedWindow || elements.Count == 0 || (total is { } t ? start >= t : elements.Count < settings.PageSize);
            var after = last ? cursor.With(Stream, new StreamCursor(NewestAt: newest)) : cursor;
            await context.ImportBatchAsync(items, after.ToJson(), cancellationToken);
            if (last)
            {
                LogPosts(logger, context.Connector.Id, pages + 1, windowStart, newest);
                return;
            }
        }
    }

    private static async Task ReadPostAsync(ImportContext context, SocialApi api, string organizationId, JsonElement post, List<SourceItem> items,
        CancellationToken cancellationToken)
    {
        Take(context, LinkedInPosts.Post(post, organizationId), items, "LinkedIn posts");
        if (Text(post, "id") is not { } postUrn)
        {
            return;
        }
        await foreach (var comment in CommentsAsync(api, postUrn, cancellationToken))
        {
            if (!Take(context, LinkedInPosts.Comment(comment, organizationId, postUrn, postUrn), items, $"LinkedIn post {postUrn}"))
            {
                continue;
            }
            if (LinkedInPosts.MayHaveReplies(comment) && LinkedInPosts.CommentUrn(comment) is { } commentUrn)
            {
                await foreach (var reply in CommentsAsync(api, commentUrn, cancellationToken))
                {
                    Take(context, LinkedInPosts.Comment(reply, organizationId, postUrn, commentUrn), items, $"LinkedIn comment {commentUrn}");
                }
            }
        }
    }

    /// <summary>The comments on a post or comment, page by page (<c>start</c>/<c>count</c> against <c>paging.total</c>).</summary>
    private static async IAsyncEnumerable<JsonElement> CommentsAsync(SocialApi api, string urn,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = 0;
        for (var pages = 0; pages < MaxPages; pages++)
        {
            using var page = await api.GetAsync(api.Relative(
                $"socialActions/{Uri.EscapeDataString(urn)}/comments?count={CommentPageSize.ToString(CultureInfo.InvariantCulture)}&start={start.ToString(CultureInfo.InvariantCulture)}"),
                cancellationToken);
            var elements = Array(page.RootElement, "elements").Select(e => e.Clone()).ToList();
            foreach (var comment in elements)
            {
                yield return comment;
            }
            start += elements.Count;
            var total = Number(Child(page.RootElement, "paging"), "total");
            if (elements.Count == 0 || (total is { } t ? start >= t : elements.Count < CommentPageSize))
            {
                yield break;
            }
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

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    [LoggerMessage(LogLevel.Information, "LinkedIn connector {ConnectorId}: posts read in {Pages} page(s) from {WindowStart}; newest modified {Newest}")]
    private static partial void LogPosts(ILogger logger, Guid connectorId, int pages, DateTimeOffset? windowStart, DateTimeOffset? newest);
}

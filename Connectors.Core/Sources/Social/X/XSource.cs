using System.Globalization;
using System.Net.Http.Headers;
using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Imports;
using Connectors.Sources.Files;
using Connectors.Sources.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectors.Sources.Social.X;

/// <summary>
/// Imports a company's X account through the X API v2: its posts (<c>GET users/:id/tweets</c>) and, optionally, posts
/// mentioning it (<c>GET users/:id/mentions</c>). Each stream pages with <c>meta.next_token</c> from the newest post
/// down to <c>since_id</c>; the cursor keeps each stream's newest id, and the next run asks from a <c>since_id</c> a
/// lookback earlier (X ids carry their time), so posts indexed late are caught and dedup absorbs the overlap.
/// An edited post arrives under a new id and becomes an Edit version of the original (see <see cref="XRecords"/>).
/// </summary>
public sealed partial class XSource(IHttpClientFactory httpClients, CredentialProtector protector, IOptions<SourceHttpOptions> httpOptions,
    TimeProvider clock, ILogger<XSource> logger) : IConnectorSource
{
    public const string TweetFields =
        "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,edit_history_tweet_ids,edit_controls,entities,attachments,lang,note_tweet";
    public const string Expansions =
        "author_id,referenced_tweets.id,referenced_tweets.id.author_id,in_reply_to_user_id,entities.mentions.username,attachments.media_keys,edit_history_tweet_ids";
    public const string UserFields = "name,username";
    public const string MediaFields = "type,url,preview_image_url";

    public string Type => ConnectorTypes.Twitter;

    public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var settings = ConnectorSettings.Read<XSettings>(context.Connector);
        // Exports and compliance records pushed as JSONL files (POST …/files) first, then the API.
        await PushedFiles.ImportAsync(context, Type, new VendorFileSettings(SourceAccount: settings.AccountId), null, null, cancellationToken);
        var token = SocialCredentials.Require(SocialCredentials.Read<XCredentials>(context.Connector, protector)?.BearerToken, "X", "bearerToken");
        var api = new SocialApi(httpClients.CreateClient(SourceHttp.ClientName), SocialValidation.BaseUri(settings.BaseUrl, XSettings.DefaultBaseUrl),
            "X", request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token),
            httpOptions.Value.MaxRetryDelay, clock);
        var accountId = settings.AccountId ?? throw new InvalidOperationException("The X connector has no account id.");

        var cursor = SocialCursor.Parse(context.Cursor);
        string[] streams = settings.IncludeMentions ? ["tweets", "mentions"] : ["tweets"];
        foreach (var stream in streams)
        {
            cursor = await ImportStreamAsync(context, api, settings, accountId, stream, cursor, cancellationToken);
        }
        if (settings.CheckCompliance)
        {
            // After the timelines, so the posts this run archived are checked too. The pre-signed upload and download
            // URLs go through the same guarded client, without the bearer token.
            await new XCompliance(httpClients.CreateClient(SourceHttp.ClientName), api, clock)
                .RunAsync(context, settings, accountId, cursor, cancellationToken);
        }
    }

    private async Task<SocialCursor> ImportStreamAsync(ImportContext context, SocialApi api, XSettings settings, string accountId, string stream,
        SocialCursor cursor, CancellationToken cancellationToken)
    {
        var known = cursor[stream]?.NewestId;
        var sinceId = known is null ? null : XSnowflake.SinceId(known, context.Connector.Lookback);
        var newest = known;
        string? pageToken = null;
        var pages = 0;
        var records = new XRecordContext(accountId);
        do
        {
            var query = new List<string>
            {
                $"max_results={settings.PageSize.ToString(CultureInfo.InvariantCulture)}",
                $"tweet.fields={Uri.EscapeDataString(TweetFields)}",
                $"expansions={Uri.EscapeDataString(Expansions)}",
                $"user.fields={Uri.EscapeDataString(UserFields)}",
                $"media.fields={Uri.EscapeDataString(MediaFields)}",
            };
            if (sinceId is not null)
            {
                query.Add($"since_id={Uri.EscapeDataString(sinceId)}");
            }
            if (pageToken is not null)
            {
                query.Add($"pagination_token={Uri.EscapeDataString(pageToken)}");
            }
            using var page = await api.GetAsync(api.Relative($"users/{Uri.EscapeDataString(accountId)}/{stream}?{string.Join('&', query)}"), cancellationToken);
            var root = page.RootElement;
            if (!root.TryGetProperty("data", out _) && root.TryGetProperty("errors", out var errors) && errors.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                // X answers 200 with only errors for a wrong or suspended account: that must not look like "no new posts".
                var first = errors.EnumerateArray().FirstOrDefault();
                throw new HttpRequestException(
                    $"X returned an error instead of {stream}: {XRecords.Text(first, "detail") ?? XRecords.Text(first, "title") ?? "no detail"}");
            }
            var items = new List<SourceItem>();
            foreach (var entry in XRecords.ReadPage(root, records))
            {
                switch (entry)
                {
                    case ParsedItem { Item: var item }:
                        items.Add(item);
                        newest = XSnowflake.Newer(newest, item.VersionMarker);
                        break;
                    case ParseFailure failure:
                        context.FailedToParse(failure.Reason, failure.ItemId, $"X {stream}");
                        break;
                }
            }
            var meta = root.TryGetProperty("meta", out var m) ? m : default;
            pageToken = XRecords.Text(meta, "next_token");
            if (pageToken is not null && ++pages > 10_000)
            {
                throw new HttpRequestException($"X kept returning next pages for {stream} (over 10,000); paging stopped.");
            }
            // Until the pass's last page the stream's old position is committed: a run that stops half way re-reads the
            // whole pass (newest first) next time instead of skipping the older pages it did not reach.
            var after = pageToken is null ? cursor.With(stream, new StreamCursor(newest, XSnowflake.TimeOf(newest))) : cursor;
            await context.ImportBatchAsync(items, after.ToJson(), cancellationToken);
            if (pageToken is null)
            {
                cursor = after;
            }
        }
        while (pageToken is not null);
        LogStream(logger, context.Connector.Id, stream, pages + 1, newest);
        return cursor;
    }

    [LoggerMessage(LogLevel.Information, "X connector {ConnectorId}: {Stream} read in {Pages} page(s); newest post {Newest}")]
    private static partial void LogStream(ILogger logger, Guid connectorId, string stream, int pages, string? newest);
}

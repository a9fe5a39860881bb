using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectors.Archive;
using Connectors.Imports;
using Connectors.Sources.Files;
using Connectors.Sources.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Connectors.Sources.Slack.Api;

/// <summary>
/// Reads a Slack workspace through the Web API into the same items an export gives (the message mapping is
/// <see cref="SlackMessageReader"/>'s, so an item's key and edit versions match the export's):
/// <c>users.list</c> for people and their profile emails; <c>conversations.list</c> for every conversation of the
/// configured types, archived ones included; per conversation <c>conversations.members</c> for the recipients,
/// <c>conversations.history</c> from the conversation's mark less the connector's lookback, and
/// <c>conversations.replies</c> for every thread root (history does not include replies). Shared files are
/// downloaded with the token and stored by SHA-256; a file that cannot be fetched leaves its message partially
/// imported with the reason. Items commit in batches with the cursor: per conversation, the newest top-level ts
/// read to the end.
/// </summary>
/// <remarks>
/// Limits of the API that the importer cannot lift: edits are seen as the message's current text (an edit made after
/// a message left the lookback window is not seen again), and a reply to a thread whose root is older than the window
/// is found only when the root comes round again (a full re-read, e.g. after the cursor is reset).
/// </remarks>
public sealed partial class SlackApiImporter(IHttpClientFactory http, ILogger<SlackApiImporter> logger)
{
    /// <summary>Items per commit.</summary>
    public const int BatchSize = 500;

    public async Task ImportAsync(ImportContext context, SlackApiSettings? settings, string? token, string? sourceAccount,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        settings ??= new SlackApiSettings();
        if (settings.Validate() is { Count: > 0 } errors)
        {
            throw new InvalidOperationException("The Slack API settings are not valid: " +
                string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        }
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new SourceAuthenticationException("The Slack connector has no API token: give one in credentials.apiToken.");
        }
        if (string.IsNullOrWhiteSpace(sourceAccount))
        {
            throw new InvalidOperationException("The Slack connector has no source account (settings.sourceAccount, the Slack team id): it scopes every item's key.");
        }

        var client = http.CreateClient(SourceHttp.ClientName);
        // The pipeline times each attempt and bounds the retries; HttpClient's 100 s overall limit would cut a
        // Retry-After wait or a large download short.
        client.Timeout = Timeout.InfiniteTimeSpan;
        var api = new SlackWebApi(client, settings.BaseUri, token.Trim());
        var files = new SlackFileDownloader(client, settings.BaseUri, token.Trim(), settings, context.Db.Database.GetConnectionString()!);
        var cursor = SlackApiCursor.Parse(context.Cursor, out var unreadable);
        if (unreadable)
        {
            LogUnreadableCursor(logger, context.Connector.Name);
        }
        var run = new Run(context, api, files, cursor, new FileParseContext(sourceAccount.Trim(), "Slack API"));

        await run.LoadUsersAsync(cancellationToken);
        var conversations = await run.ListConversationsAsync(settings.EffectiveConversationTypes, cancellationToken);
        LogStart(logger, context.Connector.Name, conversations.Count, run.Directory.Users.Count);
        foreach (var listed in conversations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await run.ImportConversationAsync(listed, cancellationToken);
        }
        await run.FlushAsync(cancellationToken);
        LogDone(logger, context.Connector.Name, conversations.Count, run.Messages, run.Replies, files.Downloaded);
    }

    /// <summary>A conversation as <c>conversations.list</c> gives it.</summary>
    private sealed record ListedConversation(string Id, string? Name, SlackConversationKind Kind, string? ImUser)
    {
        public string Label => Kind switch
        {
            SlackConversationKind.DirectMessage => $"direct message {Id}",
            SlackConversationKind.GroupDirectMessage => $"group direct message {Name ?? Id}",
            _ => $"#{Name ?? Id} ({Id})",
        };
    }

    /// <summary>One run's state: the directory, the cursor, the batch waiting to commit.</summary>
    private sealed class Run(ImportContext context, SlackWebApi api, SlackFileDownloader files, SlackApiCursor cursor,
        FileParseContext parseContext)
    {
        private readonly List<SourceItem> _pending = [];
        private string? _committed = context.Cursor;

        public SlackDirectory Directory { get; } = new();
        public long Messages { get; private set; }
        public long Replies { get; private set; }

        public async Task LoadUsersAsync(CancellationToken cancellationToken)
        {
            await foreach (var page in api.PagesAsync("users.list", [("limit", Limit)], cancellationToken))
            {
                foreach (var member in SlackJson.Array(page.RootElement, "members"))
                {
                    if (SlackDirectory.ReadUser(member) is { } user)
                    {
                        Directory.Add(user);
                    }
                }
            }
        }

        public async Task<List<ListedConversation>> ListConversationsAsync(IReadOnlyList<string> types, CancellationToken cancellationToken)
        {
            var listed = new List<ListedConversation>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var page in api.PagesAsync("conversations.list",
                [("types", string.Join(',', types)), ("exclude_archived", "false"), ("limit", Limit)], cancellationToken))
            {
                foreach (var channel in SlackJson.Array(page.RootElement, "channels"))
                {
                    if (SlackJson.NonEmpty(channel, "id") is not { } id || !seen.Add(id))
                    {
                        continue;
                    }
                    var kind = SlackJson.IsTrue(channel, "is_im") ? SlackConversationKind.DirectMessage
                        : SlackJson.IsTrue(channel, "is_mpim") ? SlackConversationKind.GroupDirectMessage
                        : SlackJson.IsTrue(channel, "is_private") || SlackJson.IsTrue(channel, "is_group") ? SlackConversationKind.PrivateChannel
                        : SlackConversationKind.PublicChannel;
                    listed.Add(new ListedConversation(id, SlackJson.NonEmpty(channel, "name"), kind, SlackJson.NonEmpty(channel, "user")));
                }
            }
            return listed;
        }

        /// <summary>
        /// Reads one conversation from its mark less the lookback. An answer about this conversation (not found, not a
        /// member…) is one failed item naming it; the run goes on with the others and the mark stays where it was.
        /// </summary>
        public async Task ImportConversationAsync(ListedConversation listed, CancellationToken cancellationToken)
        {
            SlackConversation conversation;
            try
            {
                conversation = new SlackConversation(listed.Id, listed.Name, listed.Kind, await MembersAsync(listed, cancellationToken));
            }
            catch (SlackApiException e) when (e.IsAboutTheRequest)
            {
                context.FailedToParse($"Slack {listed.Label}: its members could not be read, so it was not imported: {e.Message}", listed.Id);
                return;
            }
            Directory.Add(conversation);

            var mark = cursor.MarkOf(listed.Id);
            var oldest = SlackTs.Oldest(mark, context.Connector.Lookback);
            string? newest = null;
            var broadcasts = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                await foreach (var page in api.PagesAsync("conversations.history",
                    [("channel", listed.Id), ("limit", Limit), ("oldest", oldest)], cancellationToken))
                {
                    foreach (var message in SlackJson.Array(page.RootElement, "messages"))
                    {
                        var ts = SlackJson.NonEmpty(message, "ts");
                        if (ts is not null && SlackTs.Compare(ts, newest) > 0)
                        {
                            newest = ts;
                        }
                        var threadTs = SlackJson.NonEmpty(message, "thread_ts");
                        // A reply also sent to the channel (thread_broadcast) is in history and in its thread: read once.
                        if (ts is not null && threadTs is not null && threadTs != ts && !broadcasts.Add(ts))
                        {
                            continue;
                        }
                        Messages++;
                        await AddAsync(message, conversation, $"conversations.history {listed.Id}", cancellationToken);
                        if (ts is not null && SlackJson.Int64(message, "reply_count") > 0 && (threadTs ?? ts) == ts)
                        {
                            await ImportThreadAsync(conversation, listed, ts, broadcasts, cancellationToken);
                        }
                    }
                }
            }
            catch (SlackApiException e) when (e.IsAboutTheRequest)
            {
                context.FailedToParse($"Slack {listed.Label} could not be read: {e.Message}", listed.Id);
                return;
            }
            // Only now, with every page read, may the conversation's mark move: it commits with what is pending.
            if (newest is not null && cursor.Advance(listed.Id, newest))
            {
                await FlushAsync(cancellationToken);
            }
        }

        private async Task<IReadOnlyList<string>> MembersAsync(ListedConversation listed, CancellationToken cancellationToken)
        {
            var members = new List<string>();
            await foreach (var page in api.PagesAsync("conversations.members", [("channel", listed.Id), ("limit", Limit)], cancellationToken))
            {
                members.AddRange(SlackJson.Array(page.RootElement, "members")
                    .Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!));
            }
            if (members.Count == 0 && listed.ImUser is not null)
            {
                members.Add(listed.ImUser);
            }
            return members;
        }

        /// <summary>
        /// A thread's replies. The root (which replies also returns) and replies also sent to the channel were read from
        /// history, which pages newest first, so a broadcast is met there before its thread is asked for.
        /// </summary>
        private async Task ImportThreadAsync(SlackConversation conversation, ListedConversation listed, string rootTs, HashSet<string> broadcasts,
            CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var page in api.PagesAsync("conversations.replies",
                    [("channel", listed.Id), ("ts", rootTs), ("limit", Limit)], cancellationToken))
                {
                    foreach (var reply in SlackJson.Array(page.RootElement, "messages"))
                    {
                        var ts = SlackJson.NonEmpty(reply, "ts");
                        if (ts == rootTs || (ts is not null && broadcasts.Contains(ts)))
                        {
                            continue;
                        }
                        Replies++;
                        await AddAsync(reply, conversation, $"conversations.replies {listed.Id} {rootTs}", cancellationToken);
                    }
                }
            }
            catch (SlackApiException e) when (e.IsAboutTheRequest)
            {
                context.FailedToParse($"The replies to Slack message {rootTs} in {listed.Label} could not be read: {e.Message}",
                    $"{listed.Id}:{rootTs}");
            }
        }

        /// <summary>Maps one message as the export reader does, with its files fetched (or the reasons they were not).</summary>
        private async Task AddAsync(JsonElement message, SlackConversation conversation, string sourceName, CancellationToken cancellationToken)
        {
            var raw = JsonMarshal.GetRawUtf8Value(message).ToArray();
            var parsed = SlackMessageReader.Map(raw, parseContext, conversation, Directory, sourceName);
            if (parsed is ParseFailure failure)
            {
                context.FailedToParse(failure.Reason, failure.ItemId, sourceName);
                return;
            }
            var item = ((ParsedItem)parsed).Item;
            var shared = SlackFileRef.Of(message);
            if (shared.Count > 0)
            {
                item = await WithFilesAsync(item, raw, shared, conversation, sourceName, cancellationToken);
            }
            _pending.Add(item);
            if (_pending.Count >= BatchSize)
            {
                await FlushAsync(cancellationToken);
            }
        }

        private async Task<SourceItem> WithFilesAsync(SourceItem item, byte[] raw, IReadOnlyList<SlackFileRef> shared,
            SlackConversation conversation, string sourceName, CancellationToken cancellationToken)
        {
            // A version already archived (a re-read of the lookback window) is a duplicate whatever we fetch: its files
            // were fetched when it was first read, so they are not downloaded again.
            var key = ArchivedItem.KeyOf(context.Connector.Type, item.SourceAccount, item.SourceId);
            var version = VersionOf(item);
            var known = await context.Db.Items.AsNoTracking()
                .Where(i => i.ItemKey == key && i.VersionHash == version)
                .Select(i => new { i.Attachments, i.PartialReason })
                .FirstOrDefaultAsync(cancellationToken);
            if (known is not null)
            {
                var attachments = JsonSerializer.Deserialize<List<ItemAttachment>>(known.Attachments, JsonSerializerOptions.Web) ?? [];
                return Rebuild(item, attachments, known.PartialReason);
            }

            var (stored, missing) = await files.FetchAsync(shared, cancellationToken);
            var withFiles = SlackMessageReader.Map(raw, parseContext with { Attachments = stored }, conversation, Directory, sourceName);
            var mapped = withFiles is ParsedItem { Item: var m } ? m : item;
            return Rebuild(mapped, mapped.Attachments, missing.Count == 0 ? null : $"Files not archived: {string.Join("; ", missing)}");
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            var json = cursor.ToJson();
            if (_pending.Count == 0 && json == _committed)
            {
                return;
            }
            _committed = json;
            var batch = _pending.ToList();
            _pending.Clear();
            await context.ImportBatchAsync(batch, json, cancellationToken);
        }
    }

    private const string Limit = "200";

    /// <summary>The pipeline's version of an item: its edit marker when it has one, else its raw bytes (see ArchiveWriter).</summary>
    private static string VersionOf(SourceItem item) =>
        Convert.ToHexStringLower(item.VersionMarker is null
            ? SHA256.HashData(item.Raw.Span)
            : SHA256.HashData(Encoding.UTF8.GetBytes($"{item.Kind}:{item.VersionMarker}")));

    /// <summary>The same item with other attachments and partial reason (SourceItem is init-only).</summary>
    private static SourceItem Rebuild(SourceItem item, IReadOnlyList<ItemAttachment> attachments, string? partialReason) => new()
    {
        SourceAccount = item.SourceAccount,
        SourceId = item.SourceId,
        ConversationId = item.ConversationId,
        ThreadId = item.ThreadId,
        ParentId = item.ParentId,
        Sender = item.Sender,
        Recipients = item.Recipients,
        SentAt = item.SentAt,
        SentAtText = item.SentAtText,
        Subject = item.Subject,
        BodyText = item.BodyText,
        BodyHtml = item.BodyHtml,
        Attachments = attachments,
        Raw = item.Raw,
        Kind = item.Kind,
        VersionMarker = item.VersionMarker,
        PartialReason = partialReason,
        EvidenceFileId = item.EvidenceFileId,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Connector}: the Slack API cursor could not be read; every conversation is read from the start (dedup absorbs the overlap)")]
    private static partial void LogUnreadableCursor(ILogger logger, string connector);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Connector}: reading {Conversations} Slack conversations ({Users} users)")]
    private static partial void LogStart(ILogger logger, string connector, int conversations, int users);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Connector}: {Conversations} Slack conversations read: {Messages} messages, {Replies} replies, {Files} files downloaded")]
    private static partial void LogDone(ILogger logger, string connector, int conversations, long messages, long replies, int files);
}

using System.Text.Json;
using Connectors.Archive;
using Connectors.Sources.Files;

namespace Connectors.Sources.Slack;

/// <summary>
/// Reads Slack messages — a day file (<c>&lt;folder&gt;/YYYY-MM-DD.json</c>, a JSON array), a single message object,
/// or an array of messages carrying their own <c>channel</c>/<c>channel_name</c> — into one item per message.
/// Streams: one message is held at a time, whatever the size of the day file.
/// </summary>
/// <remarks>
/// Mapping: SourceId <c>{conversationId}:{ts}</c> (ts is unique per conversation); ThreadId = <c>thread_ts</c>;
/// ParentId = <c>thread_ts</c> when it differs from ts (replies and <c>thread_broadcast</c>); Sender = the user
/// (users.json, gaps filled from the message's <c>user_profile</c>), <c>comment.user</c> for legacy
/// <c>file_comment</c>, or for bot messages <c>bot:{bot_id}</c>; Recipients = the conversation's members other
/// than the sender. BodyText = <c>text</c> verbatim (mentions such as <c>&lt;@U123&gt;</c> are left as Slack wrote
/// them); only when it is empty — bot posts that put everything in legacy <c>attachments</c> — is it made of
/// the attachments' <c>fallback</c> texts. Reactions stay in Raw only: they change after the fact and are not
/// the message's content. <c>edited</c> → <see cref="VersionKind.Edit"/> marked by <c>edited.ts</c> (the export
/// holds only the latest text); <c>tombstone</c>/<c>message_deleted</c> → <see cref="VersionKind.Deletion"/>.
/// Files (<c>file</c> or <c>files[]</c>) are links in an export: each is listed as an attachment with an empty
/// SHA-256 and the item is partially imported, unless the file was delivered beside the export
/// (<see cref="FileParseContext.Attachments"/>, by Slack file id).
/// </remarks>
public static class SlackMessageReader
{
    /// <summary>The sender of a message that names nobody (no user, bot or commenter).</summary>
    public static readonly SourceIdentity UnknownSender = new("slack:unknown", "Unknown Slack sender");

    /// <summary>
    /// Reads every message of <paramref name="json"/>. <paramref name="conversation"/> is the folder's conversation;
    /// without one each message's <c>channel</c> or <c>channel_name</c> names it. A message that cannot become an
    /// item is a <see cref="ParseFailure"/>; JSON that breaks off ends with one failure naming
    /// <paramref name="sourceName"/> (not stopping: the caller decides what else to read).
    /// </summary>
    public static IEnumerable<ParsedEntry> Read(Stream json, FileParseContext context, CancellationToken cancellationToken,
        SlackConversation? conversation = null, SlackDirectory? directory = null, string? sourceName = null,
        long maxMessageBytes = SlackLimits.MaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(context);
        return Messages(json, context, conversation, directory ?? new SlackDirectory(), sourceName ?? context.FileName, maxMessageBytes,
            cancellationToken);
    }

    /// <summary>Maps one message's JSON (its bytes become the item's Raw).</summary>
    public static ParsedEntry Map(ReadOnlyMemory<byte> message, FileParseContext context, SlackConversation? conversation = null,
        SlackDirectory? directory = null, string? sourceName = null, int? line = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return MapOwned(message.ToArray(), context, conversation, directory ?? new SlackDirectory(), sourceName ?? context.FileName, line);
    }

    private static IEnumerable<ParsedEntry> Messages(Stream json, FileParseContext context, SlackConversation? conversation,
        SlackDirectory directory, string sourceName, long maxMessageBytes, CancellationToken cancellationToken)
    {
        var values = new JsonValueStream(json, maxMessageBytes);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = values.Next();
            if (read.Kind == JsonValueReadKind.End)
            {
                yield break;
            }
            if (read.Kind == JsonValueReadKind.Error)
            {
                yield return new ParseFailure($"Slack file {sourceName} could not be read to the end ({read.Error}); messages after that point are missing.",
                    sourceName, read.Line);
                yield break;
            }
            yield return MapOwned(read.Bytes!, context, conversation, directory, sourceName, read.Line);
        }
    }

    private static ParsedEntry MapOwned(byte[] raw, FileParseContext context, SlackConversation? conversation, SlackDirectory directory,
        string sourceName, int? line)
    {
        try
        {
            using var document = JsonDocument.Parse(raw, SlackJson.DocumentOptions);
            return MapMessage(document.RootElement, raw, context, conversation, directory, sourceName, line);
        }
        catch (Exception e) when (SlackJson.IsContentError(e))
        {
            return new ParseFailure($"A message in {sourceName} could not be read: {e.Message}", sourceName, line);
        }
    }

    private static ParsedEntry MapMessage(JsonElement message, byte[] raw, FileParseContext context, SlackConversation? conversation,
        SlackDirectory directory, string sourceName, int? line)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return new ParseFailure($"An entry of {sourceName} is a JSON {message.ValueKind}, not a message object.", sourceName, line);
        }
        if (SlackJson.NonEmpty(message, "ts") is not { } ts)
        {
            return new ParseFailure($"A message in {sourceName} has no ts (its time and id); it cannot be archived.", sourceName, line);
        }
        conversation ??= ConversationOf(message, directory);
        var sourceId = $"{conversation.Id}:{ts}";
        if (!SlackTimestamp.TryParse(ts, out var sentAt))
        {
            return new ParseFailure($"A message in {sourceName} has an unreadable ts \"{ts}\".", sourceId, line);
        }

        var subtype = SlackJson.String(message, "subtype");
        var sender = Sender(message, subtype, directory);
        var threadTs = SlackJson.NonEmpty(message, "thread_ts");
        var (kind, marker) = Version(message, subtype);
        var (attachments, missing) = Files(message, context);
        return new ParsedItem(new SourceItem
        {
            SourceAccount = context.SourceAccount,
            SourceId = sourceId,
            ConversationId = conversation.Id,
            ThreadId = threadTs,
            ParentId = threadTs is not null && threadTs != ts ? threadTs : null,
            Sender = sender,
            Recipients = directory.MembersOf(conversation).Where(m => m.SourceId != sender.SourceId).ToArray(),
            SentAt = sentAt,
            SentAtText = ts,
            Subject = conversation.Subject,
            BodyText = Body(message),
            Attachments = attachments,
            Raw = raw,
            Kind = kind,
            VersionMarker = marker,
            PartialReason = missing.Count == 0 ? null : $"File content not in the export: {string.Join(", ", missing)}",
            EvidenceFileId = context.EvidenceFileId,
        });
    }

    /// <summary>For messages read without a folder: the conversation the message itself names.</summary>
    private static SlackConversation ConversationOf(JsonElement message, SlackDirectory directory)
    {
        var channel = SlackJson.NonEmpty(message, "channel");
        var channelName = SlackJson.NonEmpty(message, "channel_name");
        if (channel is not null && directory.ById(channel) is { } byId)
        {
            return byId;
        }
        if (channelName is not null && directory.ForFolder(channelName) is { } byName)
        {
            return byName;
        }
        return new SlackConversation(channel ?? channelName ?? "unknown", channelName, SlackConversationKind.PublicChannel, []);
    }

    private static SourceIdentity Sender(JsonElement message, string? subtype, SlackDirectory directory)
    {
        var userId = SlackJson.NonEmpty(message, "user");
        var botId = SlackJson.NonEmpty(message, "bot_id");
        if (subtype == "bot_message" || (userId is null && botId is not null))
        {
            return Bot(message, botId, userId);
        }
        if (userId is not null)
        {
            return SlackDirectory.WithProfile(directory.User(userId), SlackJson.Object(message, "user_profile"));
        }
        if (SlackJson.NonEmpty(SlackJson.Object(message, "comment"), "user") is { } commenter)
        {
            return directory.User(commenter);
        }
        return UnknownSender;
    }

    /// <summary>A bot post (kept: it is part of the record): <c>bot:{bot_id}</c>, named by its <c>username</c>.</summary>
    private static SourceIdentity Bot(JsonElement message, string? botId, string? userId)
    {
        var username = SlackJson.NonEmpty(message, "username");
        var profile = SlackJson.Object(message, "bot_profile");
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (botId is not null)
        {
            properties["bot_id"] = botId;
        }
        if (username is not null)
        {
            properties["username"] = username;
        }
        if (userId is not null)
        {
            properties["user"] = userId;
        }
        if (SlackJson.NonEmpty(profile, "app_id") is { } appId)
        {
            properties["app_id"] = appId;
        }
        var id = botId ?? username ?? "unknown";
        return new SourceIdentity($"bot:{id}", username ?? SlackJson.NonEmpty(profile, "name"), null, properties);
    }

    private static (VersionKind Kind, string? Marker) Version(JsonElement message, string? subtype)
    {
        var editedTs = SlackJson.NonEmpty(SlackJson.Object(message, "edited"), "ts");
        if (subtype is "tombstone" or "message_deleted")
        {
            // A deletion is its own version even when an earlier edit left a marker behind.
            return (VersionKind.Deletion, editedTs is null ? "deleted" : $"deleted:{editedTs}");
        }
        // Slack's own edit marker names the version, so the same message read from an export and through the API
        // (formatted differently, with reactions or reply counts that move) is one version, not two.
        return editedTs is null ? (VersionKind.Original, "original") : (VersionKind.Edit, editedTs);
    }

    private static string? Body(JsonElement message)
    {
        if (SlackJson.String(message, "text") is { Length: > 0 } text)
        {
            return text;
        }
        var fallbacks = SlackJson.Array(message, "attachments")
            .Select(a => SlackJson.NonEmpty(a, "fallback") ?? SlackJson.NonEmpty(a, "text") ?? SlackJson.NonEmpty(a, "pretext"))
            .OfType<string>()
            .ToList();
        return fallbacks.Count > 0 ? string.Join("\n", fallbacks) : SlackJson.String(message, "text");
    }

    /// <summary>The legacy single <c>file</c> and the newer <c>files[]</c>, once each by file id.</summary>
    private static (List<ItemAttachment> Attachments, List<string> Missing) Files(JsonElement message, FileParseContext context)
    {
        var attachments = new List<ItemAttachment>();
        var missing = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var legacy = SlackJson.Object(message, "file");
        var files = legacy.ValueKind == JsonValueKind.Object ? SlackJson.Array(message, "files").Prepend(legacy) : SlackJson.Array(message, "files");
        foreach (var file in files.Where(f => f.ValueKind == JsonValueKind.Object))
        {
            var id = SlackJson.NonEmpty(file, "id");
            if (id is not null && !seen.Add(id))
            {
                continue;
            }
            var name = SlackJson.NonEmpty(file, "name") ?? SlackJson.NonEmpty(file, "title") ?? id ?? "file";
            var contentType = SlackJson.NonEmpty(file, "mimetype");
            if (id is not null && context.Attachments is { } delivered && delivered.TryGetValue(id, out var stored))
            {
                attachments.Add(new ItemAttachment(name, stored.Size, contentType, stored.Sha256));
                continue;
            }
            attachments.Add(new ItemAttachment(name, SlackJson.Int64(file, "size") ?? 0, contentType, ""));
            missing.Add(name);
        }
        return (attachments, missing);
    }
}

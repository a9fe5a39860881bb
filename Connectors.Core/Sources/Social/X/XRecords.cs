using System.Globalization;
using System.Text;
using System.Text.Json;
using Connectors.Archive;
using Connectors.Sources.Files;

namespace Connectors.Sources.Social.X;

/// <summary>Where X records are read from: the account that scopes ids, and for files the file and line.</summary>
public sealed record XRecordContext(string SourceAccount, Guid? EvidenceFileId = null, string? FileName = null, int? Line = null)
{
    public string Where => Line is { } line ? $"{FileName ?? "the file"} line {line}" : FileName ?? "the API response";
}

/// <summary>
/// Turns X API v2 records into items: a response page (<c>{data:[…], includes:{users, tweets, media}, meta}</c>), a
/// filtered-stream record (<c>data</c> is one tweet), a bare tweet, or a batch-compliance record
/// (<c>{id, action, created_at, redacted_at?, reason}</c>).
/// <list type="bullet">
/// <item>A tweet is keyed by the first id of its <c>edit_history_tweet_ids</c>; its own id is the version marker, so an
/// edited tweet (a new id) is an Edit version of the original, and re-reading a version is a duplicate.</item>
/// <item>Earlier versions present in <c>includes.tweets</c> (the <c>edit_history_tweet_ids</c> expansion) are imported as
/// versions too. Other included tweets (quoted, replied to, reposted) are context in the body, not items.</item>
/// <item>Media are links on X's CDN, not downloaded: a tweet with media is imported partially, with the reason.</item>
/// <item>Objects in <c>data</c> that are not tweets (lists, users) cannot be archived: each is a failed item.</item>
/// </list>
/// </summary>
public static class XRecords
{
    public static readonly SourceIdentity ComplianceSender = new("x:compliance", "X compliance");

    /// <summary>Whether a JSON object is a compliance record rather than a tweet or a page.</summary>
    public static bool IsComplianceRecord(JsonElement record) =>
        record.ValueKind == JsonValueKind.Object && !record.TryGetProperty("data", out _)
        && Text(record, "id") is not null && Text(record, "action") is not null && !record.TryGetProperty("text", out _);

    /// <summary>Whether a JSON object looks like a tweet (an id and text, or an edit history).</summary>
    public static bool IsTweet(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && Text(value, "id") is not null
        && (value.TryGetProperty("text", out _) || value.TryGetProperty("edit_history_tweet_ids", out _));

    /// <summary>The items of one page or stream record, in order: a tweet's earlier versions before it.</summary>
    public static IEnumerable<ParsedEntry> ReadPage(JsonElement page, XRecordContext context)
    {
        var includes = Includes.Read(page);
        // A bare tweet is a page of one.
        var data = page.TryGetProperty("data", out var d) ? d : IsTweet(page) ? page : default;
        var tweets = data.ValueKind switch
        {
            JsonValueKind.Array => data.EnumerateArray().ToList(),
            JsonValueKind.Object => [data],
            _ => [],
        };
        var dataIds = tweets.Where(IsTweet).Select(t => Text(t, "id")!).ToHashSet(StringComparer.Ordinal);
        var emitted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in tweets)
        {
            if (!IsTweet(value))
            {
                yield return new ParseFailure(
                    $"{context.Where}: an X {Describe(value)} object, not a post; there is nothing to archive in it.",
                    Text(value, "id"), context.Line);
                continue;
            }
            var id = Text(value, "id")!;
            var history = EditHistory(value);
            foreach (var versionId in history.Count > 0 ? history : [id])
            {
                if (versionId == id)
                {
                    if (emitted.Add(id))
                    {
                        yield return Tweet(value, includes, context);
                    }
                }
                else if (!dataIds.Contains(versionId) && includes.Tweets.TryGetValue(versionId, out var earlier) && emitted.Add(versionId))
                {
                    yield return Tweet(earlier, includes, context);
                }
            }
            if (!history.Contains(id) && emitted.Add(id))
            {
                yield return Tweet(value, includes, context);
            }
        }
    }

    /// <summary>
    /// A batch-compliance record: <c>delete</c> becomes a Deletion version of the tweet (or, in a users file, of the
    /// account's record <c>user:{id}</c>); other actions (e.g. <c>scrub_geo</c>) an Edit version saying what changed.
    /// </summary>
    public static ParsedEntry Compliance(JsonElement record, bool userRecords, XRecordContext context)
    {
        var id = Text(record, "id");
        var action = Text(record, "action");
        if (id is null || action is null)
        {
            return new ParseFailure($"{context.Where}: a compliance record needs an id and an action.", id, context.Line);
        }
        var reason = Text(record, "reason");
        var createdText = Text(record, "created_at");
        var redactedText = Text(record, "redacted_at");
        var at = Time(redactedText) ?? Time(createdText) ?? (userRecords ? null : XSnowflake.TimeOf(id));
        if (at is null)
        {
            return new ParseFailure($"{context.Where}: compliance record {id} has no usable time (created_at or redacted_at).", id, context.Line);
        }
        var deletion = string.Equals(action, "delete", StringComparison.OrdinalIgnoreCase);
        var what = userRecords ? $"X account {id}" : $"X post {id}";
        var because = reason is null ? "" : $" (reason: {reason})";
        return new ParsedItem(new SourceItem
        {
            SourceAccount = context.SourceAccount,
            SourceId = userRecords ? $"user:{id}" : id,
            ConversationId = userRecords ? null : id,
            Sender = ComplianceSender,
            SentAt = at.Value,
            SentAtText = redactedText ?? createdText,
            Subject = deletion ? $"{what} deleted{because}" : $"{what}: compliance action {action}{because}",
            BodyText = $"X compliance record: action {action}{because}" +
                (createdText is null ? "" : $", created {createdText}") + (redactedText is null ? "" : $", redacted {redactedText}") + ".",
            Raw = Encoding.UTF8.GetBytes(record.GetRawText()),
            Kind = deletion ? VersionKind.Deletion : VersionKind.Edit,
            VersionMarker = $"compliance:{action}:{reason}:{redactedText ?? createdText}",
            EvidenceFileId = context.EvidenceFileId,
        });
    }

    private static ParsedEntry Tweet(JsonElement tweet, Includes includes, XRecordContext context)
    {
        var id = Text(tweet, "id")!;
        var history = EditHistory(tweet);
        var originalId = history.Count > 0 ? history[0] : id;
        var createdText = Text(tweet, "created_at");
        var at = Time(createdText) ?? XSnowflake.TimeOf(id);
        if (at is null)
        {
            return new ParseFailure($"{context.Where}: post {id} has no usable created_at.", id, context.Line);
        }
        var authorId = Text(tweet, "author_id");
        var sender = authorId is null ? new SourceIdentity("x:unknown", "Unknown X account") : includes.Person(authorId);
        var references = References(tweet);
        var parent = references.FirstOrDefault(r => r.Type == "replied_to").Id;
        var isEdit = originalId != id;

        var recipients = new List<SourceIdentity>();
        if (tweet.TryGetProperty("entities", out var entities) && entities.ValueKind == JsonValueKind.Object
            && entities.TryGetProperty("mentions", out var mentions) && mentions.ValueKind == JsonValueKind.Array)
        {
            foreach (var mention in mentions.EnumerateArray())
            {
                var username = Text(mention, "username");
                var mentionId = Text(mention, "id") ?? includes.IdOfUsername(username);
                if (mentionId is not null || username is not null)
                {
                    recipients.Add(mentionId is not null ? includes.Person(mentionId, username) : new SourceIdentity($"@{username}", $"@{username}"));
                }
            }
        }
        if (Text(tweet, "in_reply_to_user_id") is { } replyTo)
        {
            recipients.Add(includes.Person(replyTo));
        }

        var body = new StringBuilder(NoteText(tweet) ?? Text(tweet, "text") ?? "");
        foreach (var (type, referencedId) in references)
        {
            if (includes.Tweets.TryGetValue(referencedId, out var referenced))
            {
                var by = Text(referenced, "author_id") is { } a ? includes.Handle(a) : "an X account";
                body.Append("\n\n[").Append(type switch { "quoted" => "Quoting", "replied_to" => "In reply to", "retweeted" => "Reposting", _ => type })
                    .Append(' ').Append(by).Append(", post ").Append(referencedId).Append("] ")
                    .Append(NoteText(referenced) ?? Text(referenced, "text"));
            }
        }

        var media = new List<string>();
        if (tweet.TryGetProperty("attachments", out var attachments) && attachments.ValueKind == JsonValueKind.Object
            && attachments.TryGetProperty("media_keys", out var keys) && keys.ValueKind == JsonValueKind.Array)
        {
            foreach (var key in keys.EnumerateArray().Select(k => k.ValueKind == JsonValueKind.String ? k.GetString() : null).OfType<string>())
            {
                media.Add(includes.Media.TryGetValue(key, out var item)
                    ? $"{Text(item, "type") ?? "media"} {Text(item, "url") ?? Text(item, "preview_image_url") ?? key}"
                    : $"media {key}");
            }
        }

        var types = references.Select(r => r.Type).ToHashSet(StringComparer.Ordinal);
        var verb = types.Contains("replied_to") ? "Reply" : types.Contains("retweeted") ? "Repost" : types.Contains("quoted") ? "Quote post" : "Post";
        return new ParsedItem(new SourceItem
        {
            SourceAccount = context.SourceAccount,
            SourceId = originalId,
            ConversationId = Text(tweet, "conversation_id") ?? originalId,
            ThreadId = Text(tweet, "conversation_id"),
            ParentId = parent,
            Sender = sender,
            Recipients = recipients.Where(r => r.SourceId != sender.SourceId).DistinctBy(r => r.SourceId).ToList(),
            SentAt = at.Value,
            SentAtText = createdText,
            Subject = $"{verb} by {(authorId is null ? "an X account" : includes.Handle(authorId))} on X{(isEdit ? " (edited)" : "")}",
            BodyText = body.ToString(),
            Raw = Encoding.UTF8.GetBytes(tweet.GetRawText()),
            Kind = isEdit ? VersionKind.Edit : VersionKind.Original,
            VersionMarker = id,
            PartialReason = media.Count == 0 ? null : $"Media not downloaded (they stay on X): {string.Join("; ", media)}",
            EvidenceFileId = context.EvidenceFileId,
        });
    }

    private static List<string> EditHistory(JsonElement tweet) =>
        tweet.TryGetProperty("edit_history_tweet_ids", out var history) && history.ValueKind == JsonValueKind.Array
            ? history.EnumerateArray().Select(h => h.ValueKind switch
            {
                JsonValueKind.String => h.GetString(),
                JsonValueKind.Number => h.GetRawText(),
                _ => null,
            }).OfType<string>().ToList()
            : [];

    private static List<(string Type, string Id)> References(JsonElement tweet) =>
        tweet.TryGetProperty("referenced_tweets", out var referenced) && referenced.ValueKind == JsonValueKind.Array
            ? referenced.EnumerateArray()
                .Select(r => (Type: Text(r, "type") ?? "referenced", Id: Text(r, "id")))
                .Where(r => r.Id is not null).Select(r => (r.Type, r.Id!)).ToList()
            : [];

    /// <summary>The full text of a long post (<c>note_tweet</c>), when the API sent it.</summary>
    private static string? NoteText(JsonElement tweet) =>
        tweet.TryGetProperty("note_tweet", out var note) && note.ValueKind == JsonValueKind.Object ? Text(note, "text") : null;

    private static string Describe(JsonElement value) =>
        value.ValueKind != JsonValueKind.Object ? value.ValueKind.ToString().ToLowerInvariant()
        : value.TryGetProperty("member_count", out _) || value.TryGetProperty("follower_count", out _) && value.TryGetProperty("owner_id", out _) ? "list"
        : value.TryGetProperty("username", out _) ? "user"
        : "unknown";

    /// <summary>A string or number property as text; null when absent or of another kind.</summary>
    public static string? Text(JsonElement element, string name) => SocialJson.Text(element, name);

    public static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;

    /// <summary>The <c>includes</c> of a page: users, tweets and media by id.</summary>
    private sealed class Includes
    {
        public Dictionary<string, JsonElement> Users { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, JsonElement> Tweets { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, JsonElement> Media { get; } = new(StringComparer.Ordinal);

        public static Includes Read(JsonElement page)
        {
            var includes = new Includes();
            if (page.TryGetProperty("includes", out var section) && section.ValueKind == JsonValueKind.Object)
            {
                Index(section, "users", "id", includes.Users);
                Index(section, "tweets", "id", includes.Tweets);
                Index(section, "media", "media_key", includes.Media);
            }
            return includes;
        }

        private static void Index(JsonElement section, string name, string key, Dictionary<string, JsonElement> into)
        {
            if (section.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (Text(item, key) is { } id)
                    {
                        into.TryAdd(id, item);
                    }
                }
            }
        }

        public string? IdOfUsername(string? username) =>
            username is null ? null
            : Users.Values.FirstOrDefault(u => string.Equals(Text(u, "username"), username, StringComparison.OrdinalIgnoreCase)) is { ValueKind: JsonValueKind.Object } user
                ? Text(user, "id")
                : null;

        public string Handle(string userId) =>
            Users.TryGetValue(userId, out var user) && Text(user, "username") is { } username ? $"@{username}" : $"X account {userId}";

        /// <summary>A person by X user id, named from the includes when they are there.</summary>
        public SourceIdentity Person(string userId, string? username = null)
        {
            if (Users.TryGetValue(userId, out var user))
            {
                username = Text(user, "username") ?? username;
                var name = Text(user, "name");
                return new SourceIdentity(userId, name is null ? $"@{username}" : $"{name} (@{username})", null,
                    username is null ? null : new Dictionary<string, string> { ["username"] = username });
            }
            return new SourceIdentity(userId, username is null ? null : $"@{username}", null,
                username is null ? null : new Dictionary<string, string> { ["username"] = username });
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Connectors.Archive;
using Connectors.Sources.Files;
using static Connectors.Sources.Social.SocialJson;

namespace Connectors.Sources.Social.Facebook;

/// <summary>
/// Maps Graph API page-feed objects to items. A post is keyed by its id; its comments and their replies are items of
/// their own with the post as conversation and their parent (the post, or the comment replied to) as parent.
/// <list type="bullet">
/// <item>A post's version is its content (message, story, attachments) hashed; once <c>updated_time</c> is later than
/// <c>created_time</c> it is an Edit version. (Facebook also moves <c>updated_time</c> when someone comments, which can
/// add one Edit version with unchanged text; a changed text always makes a new version.)</item>
/// <item>Comments carry no edit time: a changed comment is a new version decided by its bytes.</item>
/// <item>Photos and videos stay on Facebook: their item is imported partially, with the reason.</item>
/// </list>
/// </summary>
public static class FacebookFeed
{
    public static readonly SourceIdentity UnknownPerson = new("fb:unknown", "Facebook user (not shared with the page)");

    public static ParsedEntry Post(JsonElement post, string pageId)
    {
        var id = Text(post, "id");
        var createdText = Text(post, "created_time");
        if (id is null || Time(createdText) is not { } created)
        {
            return new ParseFailure($"A Facebook post without {(id is null ? "an id" : "a usable created_time")}.", id);
        }
        var updated = Time(Text(post, "updated_time"));
        var sender = Person(Child(post, "from"));
        var body = new StringBuilder(Text(post, "message") ?? Text(post, "story") ?? "");
        var media = new List<string>();
        foreach (var attachment in Array(Child(post, "attachments"), "data"))
        {
            var type = Text(attachment, "media_type") ?? Text(attachment, "type") ?? "attachment";
            var url = Text(attachment, "url") ?? Text(attachment, "unshimmed_url");
            body.Append("\n\n[").Append(type).Append(']');
            if (Text(attachment, "title") is { } title)
            {
                body.Append(' ').Append(title);
            }
            if (url is not null)
            {
                body.Append(' ').Append(url);
            }
            if (IsMedia(type))
            {
                media.Add($"{type} {url ?? "(no link)"}");
            }
        }
        if (Text(post, "permalink_url") is { } permalink)
        {
            body.Append("\n\n").Append(permalink);
        }
        var raw = Without(post, "comments");
        var edited = updated is { } u && u > created;
        return new ParsedItem(new SourceItem
        {
            SourceAccount = pageId,
            SourceId = id,
            ConversationId = id,
            ThreadId = id,
            Sender = sender,
            SentAt = created,
            SentAtText = createdText,
            Subject = $"Facebook post by {sender.DisplayName ?? sender.SourceId}{(edited ? " (edited)" : "")}",
            BodyText = body.ToString(),
            Raw = raw,
            Kind = edited ? VersionKind.Edit : VersionKind.Original,
            VersionMarker = "content:" + Sha256(Without(post, "comments", "updated_time")),
            PartialReason = media.Count == 0 ? null : $"Media not downloaded (they stay on Facebook): {string.Join("; ", media)}",
        });
    }

    public static ParsedEntry Comment(JsonElement comment, string pageId, string postId, string parentId)
    {
        var id = Text(comment, "id");
        var createdText = Text(comment, "created_time");
        if (id is null || Time(createdText) is not { } created)
        {
            return new ParseFailure($"A Facebook comment on {postId} without {(id is null ? "an id" : "a usable created_time")}.", id);
        }
        var sender = Person(Child(comment, "from"));
        var body = new StringBuilder(Text(comment, "message") ?? "");
        string? partial = null;
        if (Child(comment, "attachment") is { ValueKind: JsonValueKind.Object } attachment)
        {
            var type = Text(attachment, "type") ?? Text(attachment, "media_type") ?? "attachment";
            var url = Text(attachment, "url") ?? Text(Child(Child(attachment, "media"), "image"), "src");
            body.Append("\n\n[").Append(type).Append("] ").Append(url);
            if (IsMedia(type) || Child(attachment, "media").ValueKind == JsonValueKind.Object)
            {
                partial = $"Media not downloaded (they stay on Facebook): {type} {url ?? "(no link)"}";
            }
        }
        var isReply = parentId != postId;
        return new ParsedItem(new SourceItem
        {
            SourceAccount = pageId,
            SourceId = id,
            ConversationId = postId,
            ThreadId = postId,
            ParentId = parentId,
            Sender = sender,
            SentAt = created,
            SentAtText = createdText,
            Subject = $"Facebook {(isReply ? "reply" : "comment")} by {sender.DisplayName ?? sender.SourceId}",
            BodyText = body.ToString(),
            Raw = Without(comment, "comments"),
            PartialReason = partial,
        });
    }

    private static bool IsMedia(string type) =>
        type.Contains("photo", StringComparison.OrdinalIgnoreCase) || type.Contains("video", StringComparison.OrdinalIgnoreCase)
        || type.Contains("album", StringComparison.OrdinalIgnoreCase) || type.Contains("animated", StringComparison.OrdinalIgnoreCase)
        || type.Contains("sticker", StringComparison.OrdinalIgnoreCase);

    private static SourceIdentity Person(JsonElement from) =>
        Text(from, "id") is { } id ? new SourceIdentity(id, Text(from, "name")) : UnknownPerson;

    /// <summary>Graph times: <c>2024-05-01T10:00:00+0000</c> (offset without a colon) or ISO 8601.</summary>
    public static DateTimeOffset? Time(string? text)
    {
        if (text is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"], CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal, out var exact))
        {
            return exact;
        }
        // "+0000": put the colon in, then parse as ISO 8601.
        if (text.Length > 5 && text[^5] is '+' or '-' && text[^4..].All(char.IsAsciiDigit))
        {
            text = $"{text[..^2]}:{text[^2..]}";
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;
    }
}

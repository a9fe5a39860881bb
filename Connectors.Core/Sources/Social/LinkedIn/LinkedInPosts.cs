using System.Globalization;
using System.Text;
using System.Text.Json;
using Connectors.Archive;
using Connectors.Sources.Files;
using static Connectors.Sources.Social.SocialJson;

namespace Connectors.Sources.Social.LinkedIn;

/// <summary>
/// Maps LinkedIn Posts API and Comments API objects to items. A post is keyed by its URN (<c>urn:li:share:…</c> or
/// <c>urn:li:ugcPost:…</c>), a comment by its comment URN with the post as conversation and the post (or the comment it
/// answers) as parent. <c>lastModifiedAt</c> / <c>lastModified.time</c> is the version marker: a later one is an
/// Edit version. Images, videos and documents stay on LinkedIn: their item is imported partially, with the reason.
/// </summary>
public static class LinkedInPosts
{
    public static ParsedEntry Post(JsonElement post, string organizationId)
    {
        var id = Text(post, "id");
        var created = Number(post, "createdAt");
        var published = Number(post, "publishedAt");
        if (id is null || (published ?? created) is not { } sent)
        {
            return new ParseFailure($"A LinkedIn post without {(id is null ? "an id" : "createdAt")}.", id);
        }
        var modified = Number(post, "lastModifiedAt");
        var author = Text(post, "author") ?? "urn:li:unknown";
        var state = Text(post, "lifecycleState");
        var body = new StringBuilder(Text(post, "commentary") ?? "");
        var content = Child(post, "content");
        var media = new List<string>();
        if (Child(content, "article") is { ValueKind: JsonValueKind.Object } article)
        {
            body.Append("\n\n[article] ").Append(Text(article, "title")).Append(' ').Append(Text(article, "source"));
        }
        if (Child(content, "media") is { ValueKind: JsonValueKind.Object } single)
        {
            media.Add(Text(single, "id") ?? "media");
        }
        foreach (var image in Array(Child(content, "multiImage"), "images"))
        {
            media.Add(Text(image, "id") ?? "image");
        }
        if (Text(Child(post, "reshareContext"), "parent") is { } reshared)
        {
            body.Append("\n\n[Resharing ").Append(reshared).Append(']');
        }
        var edited = modified is { } m && m > (created ?? sent);
        var draft = state is not null && state != "PUBLISHED" ? $" ({state.ToLowerInvariant().Replace('_', ' ')})" : "";
        return new ParsedItem(new SourceItem
        {
            SourceAccount = organizationId,
            SourceId = id,
            ConversationId = id,
            ThreadId = id,
            Sender = new SourceIdentity(author),
            SentAt = DateTimeOffset.FromUnixTimeMilliseconds(sent),
            SentAtText = sent.ToString(CultureInfo.InvariantCulture),
            Subject = $"LinkedIn post by {author}{draft}{(edited ? " (edited)" : "")}",
            BodyText = body.ToString(),
            Raw = Encoding.UTF8.GetBytes(post.GetRawText()),
            Kind = edited ? VersionKind.Edit : VersionKind.Original,
            VersionMarker = "modified:" + (modified ?? created ?? sent).ToString(CultureInfo.InvariantCulture),
            PartialReason = media.Count == 0 ? null : $"Media not downloaded (they stay on LinkedIn): {string.Join("; ", media)}",
        });
    }

    /// <summary>The URN a comment is addressed by (for replies to it and as its item id).</summary>
    public static string? CommentUrn(JsonElement comment) =>
        Text(comment, "commentUrn") ?? Text(comment, "$URN")
        ?? (Text(comment, "object") is { } parent && Text(comment, "id") is { } id ? $"urn:li:comment:({parent},{id})" : null);

    public static ParsedEntry Comment(JsonElement comment, string organizationId, string postUrn, string parentUrn)
    {
        var urn = CommentUrn(comment);
        var created = Number(Child(comment, "created"), "time");
        if (urn is null || created is not { } sent)
        {
            return new ParseFailure($"A LinkedIn comment on {postUrn} without {(urn is null ? "an id" : "created.time")}.", urn);
        }
        var modified = Number(Child(comment, "lastModified"), "time");
        var actor = Text(comment, "actor") ?? Text(Child(comment, "created"), "actor") ?? "urn:li:unknown";
        var media = Array(comment, "content").Select(c => Text(c, "url") ?? Text(c, "entity") ?? Text(c, "type") ?? "content").ToList();
        var isReply = parentUrn != postUrn;
        var edited = modified is { } m && m > sent;
        return new ParsedItem(new SourceItem
        {
            SourceAccount = organizationId,
            SourceId = urn,
            ConversationId = postUrn,
            ThreadId = postUrn,
            ParentId = Text(comment, "parentComment") ?? parentUrn,
            Sender = new SourceIdentity(actor),
            SentAt = DateTimeOffset.FromUnixTimeMilliseconds(sent),
            SentAtText = sent.ToString(CultureInfo.InvariantCulture),
            Subject = $"LinkedIn {(isReply ? "reply" : "comment")} by {actor}{(edited ? " (edited)" : "")}",
            BodyText = Text(Child(comment, "message"), "text") ?? "",
            Raw = Encoding.UTF8.GetBytes(comment.GetRawText()),
            Kind = edited ? VersionKind.Edit : VersionKind.Original,
            VersionMarker = "modified:" + (modified ?? sent).ToString(CultureInfo.InvariantCulture),
            PartialReason = media.Count == 0 ? null : $"Media not downloaded (they stay on LinkedIn): {string.Join("; ", media)}",
        });
    }

    /// <summary>Whether a comment says it has replies: a <c>commentsSummary</c> with a count above zero (or no count).</summary>
    public static bool MayHaveReplies(JsonElement comment)
    {
        var summary = Child(comment, "commentsSummary");
        if (summary.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        return (Number(summary, "totalFirstLevelComments") ?? Number(summary, "aggregatedTotalComments") ?? 1) > 0;
    }
}

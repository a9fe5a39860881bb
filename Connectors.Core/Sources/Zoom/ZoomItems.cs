using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectors.Archive;

namespace Connectors.Sources.Zoom;

/// <summary>A user of the Zoom account, as <c>GET /users</c> lists them.</summary>
internal sealed record ZoomUser(string Id, string? Email, string? DisplayName);

/// <summary>A conversation of a user that team chat is read from: a channel (or group chat) or a one-to-one contact.</summary>
/// <param name="Id">The channel id, or the contact (email, else user or member id) as <c>to_contact</c> takes it.</param>
internal sealed record ChatTarget(bool IsChannel, string Id, string? Name, SourceIdentity? Peer);

/// <summary>
/// The account's users, by id and email, so a person is named the same way whichever endpoint mentions them:
/// account users by their Zoom user id (with their email for automatic mapping), others by email, member id or,
/// as a last resort, display name.
/// </summary>
internal sealed class ZoomDirectory
{
    private readonly Dictionary<string, ZoomUser> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ZoomUser> _byEmail = new(StringComparer.OrdinalIgnoreCase);

    public ZoomDirectory(IEnumerable<ZoomUser> users)
    {
        foreach (var user in users)
        {
            _byId.TryAdd(user.Id, user);
            if (user.Email is { Length: > 0 } email)
            {
                _byEmail.TryAdd(email, user);
            }
        }
    }

    public ZoomUser? Find(string idOrEmail) =>
        _byId.GetValueOrDefault(idOrEmail) ?? _byEmail.GetValueOrDefault(idOrEmail.Trim());

    public SourceIdentity Person(string? userId, string? email, string? memberId, string? displayName)
    {
        userId = Blank(userId);
        email = Blank(email);
        memberId = Blank(memberId);
        displayName = Blank(displayName);
        var properties = memberId is null ? null : new Dictionary<string, string> { ["memberId"] = memberId };
        var user = (userId is null ? null : _byId.GetValueOrDefault(userId)) ?? (email is null ? null : _byEmail.GetValueOrDefault(email));
        if (user is not null)
        {
            return new SourceIdentity(user.Id, user.DisplayName ?? displayName, user.Email ?? email, properties);
        }
        var id = email?.ToLowerInvariant()
            ?? (memberId is null ? null : "member:" + memberId)
            ?? userId
            ?? "name:" + (displayName ?? "unknown");
        return new SourceIdentity(id, displayName, email, properties);
    }

    public SourceIdentity Person(ZoomUser user) => new(user.Id, user.DisplayName, user.Email);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Turns Zoom's JSON (team chat messages, recorded meetings, meeting chat lines) into source items.</summary>
internal static class ZoomItems
{
    /// <summary>The version marker of an unchanged message: the same from every participant's perspective.</summary>
    public const string OriginalMarker = "original";

    public static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : null,
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    public static long? Int64(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n
            : value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s
            : null
            : null;

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    public static DateTimeOffset? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// One team chat message as <c>GET /chat/users/{userId}/messages</c> returned it, read from
    /// <paramref name="perspective"/>'s side. With <c>include_deleted_and_edited_message</c>, <c>status</c> says
    /// Normal, Edited or Deleted: an edit or deletion is a new version of the message (same id), never a rewrite.
    /// The same message read from another participant's side gets the same key and version, so it is stored once.
    /// </summary>
    public static (SourceItem? Item, string? Problem) ChatMessage(JsonElement message, string account, ZoomUser perspective,
        ChatTarget target, IReadOnlyList<SourceIdentity>? channelMembers, ZoomDirectory directory)
    {
        if (Str(message, "id") is not { } id)
        {
            return (null, "A Zoom chat message has no id.");
        }
        var dateTime = Str(message, "date_time");
        var sentAt = Int64(message, "timestamp") is { } ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : Time(dateTime);
        if (sentAt is null)
        {
            return (null, $"The Zoom chat message {id} has neither a timestamp nor a date_time.");
        }
        var sender = directory.Person(null, Str(message, "sender"), Str(message, "sender_member_id") ?? Str(message, "send_member_id"),
            Str(message, "sender_display_name"));
        var text = Str(message, "message") ?? "";
        var (kind, marker) = Str(message, "status")?.ToLowerInvariant() switch
        {
            "edited" => (VersionKind.Edit, $"edited:{dateTime}:{Hash(text)}"),
            "deleted" => (VersionKind.Deletion, $"deleted:{dateTime}"),
            _ => (VersionKind.Original, OriginalMarker),
        };

        IReadOnlyList<SourceIdentity> recipients;
        string conversation;
        var me = directory.Person(perspective);
        if (target.IsChannel)
        {
            conversation = target.Id;
            var members = channelMembers is { Count: > 0 } ? channelMembers : [me];
            recipients = members.Where(m => m.SourceId != sender.SourceId).DistinctBy(m => m.SourceId).ToList();
        }
        else
        {
            var peer = target.Peer ?? directory.Person(null, target.Id, null, null);
            conversation = "dm:" + string.Join('|', new[] { me.SourceId, peer.SourceId }.Order(StringComparer.Ordinal));
            recipients = new[] { me, peer }.Where(p => p.SourceId != sender.SourceId).DistinctBy(p => p.SourceId).ToList();
        }

        var files = new List<(string? Id, string Name, long Size)>();
        foreach (var file in Array(message, "files"))
        {
            files.Add((Str(file, "file_id"), Str(file, "file_name") ?? Str(file, "file_id") ?? "file", Int64(file, "file_size") ?? 0));
        }
        if (Str(message, "file_id") is { } fileId && files.All(f => f.Id != fileId))
        {
            files.Add((fileId, Str(message, "file_name") ?? fileId, Int64(message, "file_size") ?? 0));
        }
        var reply = Str(message, "reply_main_message_id");
        return (new SourceItem
        {
            SourceAccount = account,
            SourceId = id,
            ConversationId = conversation,
            ThreadId = reply ?? id,
            ParentId = reply,
            Sender = sender,
            Recipients = recipients,
            SentAt = sentAt.Value,
            SentAtText = dateTime ?? Str(message, "timestamp"),
            Subject = target.IsChannel ? target.Name : null,
            BodyText = text,
            Attachments = files.Select(f => new ItemAttachment(f.Name, f.Size, null, "")).ToList(),
            Raw = Encoding.UTF8.GetBytes(message.GetRawText()),
            Kind = kind,
            VersionMarker = marker,
            PartialReason = files.Count == 0 ? null
                : $"Zoom chat files are kept as metadata (name, size), their content is not downloaded: {string.Join(", ", files.Select(f => f.Name))}.",
        }, null);
    }

    /// <summary>The MIME type of a recording file by Zoom's <c>file_type</c>.</summary>
    public static string? ContentType(string? fileType) => fileType?.ToUpperInvariant() switch
    {
        "MP4" => "video/mp4",
        "M4A" => "audio/mp4",
        "CHAT" or "CC" => "text/plain",
        "TRANSCRIPT" => "text/vtt",
        "CSV" => "text/csv",
        "TIMELINE" or "SUMMARY" => "application/json",
        _ => null,
    };

    /// <summary>A recording file's name: its recording type (e.g. shared_screen_with_speaker_view) and extension.</summary>
    public static string RecordingFileName(JsonElement file)
    {
        var type = Str(file, "file_type") ?? "file";
        var extension = (Str(file, "file_extension") ?? type).ToLowerInvariant();
        return $"{Str(file, "recording_type") ?? type.ToLowerInvariant()}.{extension}";
    }
}

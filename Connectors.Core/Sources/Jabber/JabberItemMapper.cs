using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Connectors.Archive;
using Microsoft.AspNetCore.StaticFiles;

namespace Connectors.Sources.Jabber;

/// <summary>An item made from a row, or why the row could not become one.</summary>
internal sealed record JabberMapped(SourceItem? Item, string? Error = null, string? Field = null, string? SourceUser = null)
{
    public static JabberMapped Fail(string error, string field, string? sourceUser = null) => new(null, error, field, sourceUser);
}

/// <summary>
/// Turns compliance rows into items, one per row. Ids are stable and scoped by the connector's source account:
/// <list type="bullet">
/// <item>TC_MSGARCHIVE: <c>tc_msgarchive:{to_jid}:{msg_id}</c> (MSG_ID is numbered per room, from TC_ROOMS).</item>
/// <item>JM: <c>jm:{sha256}</c> of the bare sender and recipient, time, thread, subject and body. The message
/// archiver writes one row per direction (DIRECTION I and O) of the same message; both give the same id and,
/// with a fixed version marker, one item (the first row read is kept as its raw).</item>
/// <item>TC_TIMELOG: <c>tc_timelog:{sha256}</c> of room, user, nickname and entry time; when the leaving time is
/// written later, the changed row is a new version of the same item.</item>
/// <item>AFT_LOG: <c>aft_log:{aft_index}</c>.</item>
/// </list>
/// People are bare JIDs (see <see cref="Jid.Person"/>). A group chat message's recipients are the people
/// TC_TIMELOG shows in the room when it was sent (the sender excluded); its conversation is the room.
/// </summary>
internal sealed class JabberItemMapper(string sourceAccount, TimeZoneInfo zone)
{
    /// <summary>JM rows of the same message must collapse into one version whichever direction is read first.</summary>
    public const string JmVersionMarker = "jm-row";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>The rooms whose occupants the page's rows need (bare JIDs, lower case).</summary>
    public static IEnumerable<string> RoomsOf(JabberRow row)
    {
        switch (row.Table)
        {
            case JabberTable.TcMsgArchive when Jid.TryParse(row.String("to_jid"), out var room):
                yield return room.Bare;
                break;
            case JabberTable.Jm when IsGroupChat(row.String("msg_type")):
                if (Jid.TryParse(row.String("to_jid"), out var to))
                {
                    yield return to.Bare;
                }
                if (Jid.TryParse(row.String("from_jid"), out var from))
                {
                    yield return from.Bare;
                }
                break;
            case JabberTable.AftLog when IsRoomTransfer(row.String("chat_type")) && Jid.TryParse(row.String("to_jid"), out var target):
                yield return target.Bare;
                break;
        }
    }

    public JabberMapped Map(JabberRow row, RoomPresence presence) => row.Table switch
    {
        JabberTable.TcMsgArchive => GroupChat(row, presence),
        JabberTable.Jm => InstantMessage(row, presence),
        JabberTable.TcTimelog => RoomStay(row),
        _ => FileTransfer(row, presence),
    };

    private JabberMapped GroupChat(JabberRow row, RoomPresence presence)
    {
        if (!Jid.TryParse(row.String("to_jid"), out var room))
        {
            return Missing("TO_JID (the room)", "to_jid", row);
        }
        var msgId = row.String("msg_id");
        if (msgId is null)
        {
            return Missing("MSG_ID", "msg_id", row);
        }
        if (!Jid.TryParse(row.String("from_jid"), out var from))
        {
            return Missing("FROM_JID (the sender)", "from_jid", row);
        }
        var at = row.Position.At;
        var body = JabberBody.Read(row);
        if (body.Error is not null)
        {
            return JabberMapped.Fail(body.Error, "body_string", from.Bare);
        }
        // The sender is normally the real JID; a room nickname is resolved through TC_TIMELOG.
        var sender = from.Bare == room.Bare && from.Resource is not null
            ? presence.WhoIs(from, at)?.Person() ?? from.Nickname()
            : from.BareJid.Person();
        IReadOnlyList<SourceIdentity> recipients = room.Resource is not null
            // A private message to one occupant, addressed by nickname.
            ? [presence.WhoIs(room, at)?.Person() ?? room.Nickname()]
            : Occupants(presence, room.Bare, at, sender);
        return new JabberMapped(new SourceItem
        {
            SourceAccount = sourceAccount,
            SourceId = $"tc_msgarchive:{room}:{msgId}",
            ConversationId = room.Bare,
            Sender = sender,
            Recipients = recipients,
            SentAt = Utc(at),
            SentAtText = DatabaseText(at),
            Subject = row.String("subject"),
            BodyText = body.Text,
            Raw = row.ToJson(),
            PartialReason = body.PartialReason,
        });
    }

    private JabberMapped InstantMessage(JabberRow row, RoomPresence presence)
    {
        if (!Jid.TryParse(row.String("from_jid"), out var from))
        {
            return Missing("FROM_JID (the sender)", "from_jid", row);
        }
        if (!Jid.TryParse(row.String("to_jid"), out var to))
        {
            return Missing("TO_JID (the recipient)", "to_jid", row, from.Bare);
        }
        var at = row.Position.At;
        var body = JabberBody.Read(row);
        if (body.Error is not null)
        {
            return JabberMapped.Fail(body.Error, "body_string", from.Bare);
        }
        var thread = row.String("thread_id");
        var subject = row.String("subject");
        string id, conversation;
        SourceIdentity sender;
        IReadOnlyList<SourceIdentity> recipients;
        if (IsGroupChat(row.String("msg_type")))
        {
            // A room reflects a message to each occupant from room@service/nick: TC_TIMELOG tells the room apart.
            var reflected = from.Resource is not null && presence.IsRoom(from.Bare) && !presence.IsRoom(to.Bare);
            var room = reflected ? from.Bare : to.Bare;
            sender = reflected ? presence.WhoIs(from, at)?.Person() ?? from.Nickname() : from.BareJid.Person();
            recipients = Occupants(presence, room, at, sender);
            if (recipients.Count == 0 && reflected)
            {
                recipients = [to.BareJid.Person()];
            }
            conversation = room;
            id = Hash("groupchat", room, sender.SourceId, DatabaseText(at), thread, subject, body.Text);
        }
        else
        {
            sender = from.BareJid.Person();
            recipients = [to.BareJid.Person()];
            conversation = string.CompareOrdinal(from.Bare, to.Bare) <= 0 ? $"{from.Bare} {to.Bare}" : $"{to.Bare} {from.Bare}";
            id = Hash("chat", from.Bare, to.Bare, DatabaseText(at), thread, subject, body.Text);
        }
        return new JabberMapped(new SourceItem
        {
            SourceAccount = sourceAccount,
            SourceId = $"jm:{id}",
            ConversationId = conversation,
            ThreadId = thread,
            Sender = sender,
            Recipients = recipients,
            SentAt = Utc(at),
            SentAtText = DatabaseText(at),
            Subject = subject,
            BodyText = body.Text,
            Raw = row.ToJson(),
            VersionMarker = JmVersionMarker,
            PartialReason = body.PartialReason,
        });
    }

    private JabberMapped RoomStay(JabberRow row)
    {
        if (!Jid.TryParse(row.String("user_jid"), out var user))
        {
            return Missing("USER_JID", "user_jid", row);
        }
        if (!Jid.TryParse(row.String("room_jid"), out var room))
        {
            return Missing("ROOM_JID", "room_jid", row, user.Bare);
        }
        if (row.Time("start_date") is not { } start)
        {
            return Missing("START_DATE", "start_date", row, user.Bare);
        }
        var end = row.Time("end_date");
        var nickText = row.String("nick_jid");
        var nick = Jid.TryParse(nickText, out var n) ? n.Resource : null;
        var text = new StringBuilder($"{user.Bare} entered {room.Bare}");
        if (nick is not null)
        {
            text.Append($" as {nick}");
        }
        text.Append($" at {DatabaseText(start)}");
        if (end is { } left)
        {
            text.Append($" and left at {DatabaseText(left)}");
        }
        text.Append('.');
        return new JabberMapped(new SourceItem
        {
            SourceAccount = sourceAccount,
            SourceId = "tc_timelog:" + Hash(room.Bare, user.ToString(), nickText, DatabaseText(start)),
            ConversationId = room.Bare,
            Sender = user.BareJid.Person(),
            SentAt = Utc(start),
            SentAtText = DatabaseText(start),
            Subject = end is null ? $"Entered {room.Bare}" : $"Entered and left {room.Bare}",
            BodyText = text.ToString(),
            Raw = row.ToJson(),
        });
    }

    private JabberMapped FileTransfer(JabberRow row, RoomPresence presence)
    {
        var index = row.String("aft_index");
        if (index is null)
        {
            return Missing("AFT_INDEX", "aft_index", row);
        }
        if (!Jid.TryParse(row.String("jid"), out var who))
        {
            return Missing("JID (who transferred the file)", "jid", row);
        }
        if (!Jid.TryParse(row.String("to_jid"), out var to))
        {
            return Missing("TO_JID (the recipient)", "to_jid", row, who.Bare);
        }
        var at = row.Position.At;
        var chatType = row.String("chat_type")?.Trim().ToLowerInvariant();
        var inRoom = IsRoomTransfer(chatType);
        var upload = !string.Equals(row.String("method")?.Trim(), "GET", StringComparison.OrdinalIgnoreCase);
        var name = row.String("real_filename") ?? row.String("filename") ?? "(unnamed file)";
        var size = row.Int64("file_size");
        var sender = who.BareJid.Person();
        IReadOnlyList<SourceIdentity> recipients = inRoom
            ? upload ? Occupants(presence, to.Bare, at, sender) : []
            : to.Bare == who.Bare ? [] : [to.BareJid.Person()];
        var server = row.String("file_server");
        var path = row.String("file_path");
        var body = new StringBuilder($"{who.Bare} {(upload ? "uploaded" : "downloaded")} {name}");
        body.Append(size is { } bytes ? $" ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes)" : "");
        body.Append($" {(inRoom ? "in room" : "for")} {to}");
        if (chatType is not null)
        {
            body.Append($" ({chatType})");
        }
        body.Append('.');
        if (server is not null || path is not null)
        {
            body.Append($" Stored on {server ?? "the file server"}{(path is null ? "" : $" at {path}")}");
            body.Append(row.String("filename") is { } resource ? $" as {resource}." : ".");
        }
        var contentType = FileType(row.String("file_type"), name);
        return new JabberMapped(new SourceItem
        {
            SourceAccount = sourceAccount,
            SourceId = $"aft_log:{index}",
            ConversationId = inRoom ? to.Bare : Pair(who, to),
            Sender = sender,
            Recipients = recipients,
            SentAt = Utc(at),
            SentAtText = DatabaseText(at),
            Subject = upload ? $"File sent: {name}" : $"File downloaded: {name}",
            BodyText = body.ToString(),
            // The file itself stays on the file server: only its metadata is in the compliance database.
            Attachments = upload ? [new ItemAttachment(name, size ?? 0, contentType, "")] : [],
            PartialReason = upload
                ? $"The content of {name} is on the IM and Presence file server{(server is null ? "" : $" {server}")}, not in the compliance database: only its metadata was imported."
                : null,
            Raw = row.ToJson(),
        });
    }

    private static IReadOnlyList<SourceIdentity> Occupants(RoomPresence presence, string room, DateTime at, SourceIdentity sender) =>
        presence.PresentAt(room, at).Where(j => j.Bare != sender.SourceId).Select(j => j.Person()).ToList();

    private static JabberMapped Missing(string what, string field, JabberRow row, string? sourceUser = null) =>
        JabberMapped.Fail($"{what} is missing or not a Jabber ID ({Shown(row.String(field))}).", field, sourceUser);

    private static string Shown(string? value) => value is null ? "empty" : value.Length <= 80 ? $"'{value}'" : $"'{value[..80]}…'";

    private static string Pair(Jid a, Jid b) => string.CompareOrdinal(a.Bare, b.Bare) <= 0 ? $"{a.Bare} {b.Bare}" : $"{b.Bare} {a.Bare}";

    internal static bool IsGroupChat(string? msgType) =>
        msgType?.Trim().ToLowerInvariant() is "g" or "groupchat";

    private static bool IsRoomTransfer(string? chatType) =>
        chatType?.Trim().ToLowerInvariant() is "groupchat" or "persistent";

    private static string? FileType(string? extension, string name) =>
        ContentTypes.TryGetContentType(extension is null ? name : "file." + extension.Trim().TrimStart('.'), out var type) ? type
        : ContentTypes.TryGetContentType(name, out var byName) ? byName
        : null;

    /// <summary>A time without a zone is the database's wall clock in the configured zone.</summary>
    internal DateTimeOffset Utc(DateTime at)
    {
        if (at.Kind == DateTimeKind.Utc || (zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc));
        }
        var local = DateTime.SpecifyKind(at, DateTimeKind.Unspecified);
        // A wall-clock time skipped by a daylight saving change is read with the zone's standard offset.
        return zone.IsInvalidTime(local)
            ? new DateTimeOffset(local, zone.BaseUtcOffset).ToUniversalTime()
            : new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    /// <summary>The time as the database shows it (ISO, microseconds, no zone unless the column has one).</summary>
    internal static string DatabaseText(DateTime at) =>
        at.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.') + (at.Kind == DateTimeKind.Utc ? "+00" : "");

    private static string Hash(params string?[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts.Select(p => p ?? "\u0000")))));
}

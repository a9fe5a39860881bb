using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Connectors.Archive;
using Connectors.Sources.Files;

namespace Connectors.Sources.Bloomberg;

/// <summary>
/// Turns one Instant Bloomberg event element into one item. Bloomberg gives events no id, so the id is built
/// from what the event says: <c>{RoomID}:{epoch seconds}:{event}:{16 hex of SHA-256(person|content)}:{n}</c>,
/// n counting identical keys earlier in the conversation. The same event delivered again gets the same id.
/// </summary>
internal static class InstantBloombergEventMapper
{
    public static ParsedEntry Map(InstantBloombergEventKind kind, XElement element, ConversationState conversation, FileParseContext context)
    {
        var user = UserOf(kind, element);
        var sender = user is null ? BloombergIdentity.System : BloombergIdentity.From(user);
        var recipients = conversation.Observe(kind, sender, user is not null);
        var invitee = kind == InstantBloombergEventKind.Invite ? Invitee(element) : null;
        if (invitee is not null && !BloombergIdentity.Same(invitee, sender) && !recipients.Any(r => BloombergIdentity.Same(r, invitee)))
        {
            recipients.Add(invitee);
        }

        var content = XmlFields.Content(element, "Content", "Message", "Text");
        var attachment = kind == InstantBloombergEventKind.Attachment ? BloombergAttachments.Resolve(element, context) : null;
        var roomId = conversation.RoomId ?? XmlFields.Text(element, "ConversationID", "RoomID");
        var keyContent = kind switch
        {
            InstantBloombergEventKind.Attachment => attachment!.FileId.Length > 0 ? attachment.FileId : attachment.Attachment.Name,
            InstantBloombergEventKind.Invite => $"{invitee?.SourceId}|{content}",
            _ => content ?? "",
        };
        var hash = Hash($"{sender.SourceId}|{keyContent}");
        if (roomId is null)
        {
            return new ParseFailure($"Instant Bloomberg {kind} from {BloombergIdentity.Describe(sender)} has no RoomID or ConversationID.");
        }

        var time = BloombergTime.Read(XmlFields.Text(element, "DateTimeUTC"), XmlFields.Text(element, "DateTime"));
        if (time is not null)
        {
            conversation.LastTime = time.Value.At;
        }
        var at = time?.At ?? (kind == InstantBloombergEventKind.Message ? null : conversation.FallbackTime);
        if (at is null)
        {
            return new ParseFailure(
                $"Instant Bloomberg {kind} from {BloombergIdentity.Describe(sender)} in room {roomId} has no readable DateTimeUTC or DateTime.",
                ItemId: $"{roomId}:?:{kind}:{hash}");
        }

        var key = $"{roomId}:{at.Value.ToUnixTimeSeconds()}:{kind}:{hash}";
        return new ParsedItem(new SourceItem
        {
            SourceAccount = context.SourceAccount,
            SourceId = $"{key}:{conversation.Occurrence(at.Value.ToUnixTimeSeconds(), key)}",
            ConversationId = roomId,
            Sender = sender,
            Recipients = recipients,
            SentAt = at.Value,
            SentAtText = time?.Text,
            Subject = $"Instant Bloomberg: {roomId}",
            BodyText = Describe(kind, sender, invitee, content, attachment),
            Attachments = attachment is null ? [] : [attachment.Attachment],
            PartialReason = attachment?.Missing,
            Raw = Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting)),
            EvidenceFileId = context.EvidenceFileId,
        });
    }

    /// <summary>The person who did the event: its <c>User</c>, or for an invite the inviter.</summary>
    private static XElement? UserOf(InstantBloombergEventKind kind, XElement element)
    {
        var user = XmlFields.Child(element, "User", "UserInfo");
        if (user is null && kind == InstantBloombergEventKind.Invite && XmlFields.Child(element, "Inviter") is { } inviter)
        {
            user = BloombergIdentity.PersonIn(inviter);
        }
        return user;
    }

    private static SourceIdentity? Invitee(XElement element) =>
        XmlFields.Child(element, "Invitee") is { } invitee ? BloombergIdentity.From(BloombergIdentity.PersonIn(invitee)) : null;

    private static string Describe(InstantBloombergEventKind kind, SourceIdentity sender, SourceIdentity? invitee, string? content,
        ResolvedAttachment? attachment)
    {
        var who = BloombergIdentity.Describe(sender);
        var text = string.IsNullOrWhiteSpace(content) ? null : content;
        return kind switch
        {
            InstantBloombergEventKind.Message => content ?? "",
            InstantBloombergEventKind.ParticipantEntered => $"{who} entered the conversation",
            InstantBloombergEventKind.ParticipantLeft => $"{who} left the conversation",
            InstantBloombergEventKind.Invite => invitee is null
                ? $"Invite: {who} sent an invitation{Suffix(text)}"
                : $"Invite: {who} invited {BloombergIdentity.Describe(invitee)}{Suffix(text)}",
            InstantBloombergEventKind.Attachment =>
                $"Attachment: {attachment!.Attachment.Name} ({attachment.Attachment.Size} bytes){(text is null ? "" : "\n" + text)}",
            InstantBloombergEventKind.History => text is null ? "History" : $"History: {text}",
            _ => text ?? "System message",
        };
    }

    private static string Suffix(string? text) => text is null ? "" : $": {text}";

    private static string Hash(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..16];
}

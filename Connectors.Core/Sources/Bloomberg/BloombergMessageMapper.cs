using System.Text;
using System.Xml.Linq;
using Connectors.Archive;
using Connectors.Sources.Files;

namespace Connectors.Sources.Bloomberg;

/// <summary>
/// Turns one Bloomberg Message (MSG) element into one item: <c>MsgID</c> is the id, the sender and each
/// recipient come from their <c>UserInfo</c>, and every recipient keeps its <c>DeliveryType</c> (TO, CC, BCC)
/// in <c>Properties["DeliveryType"]</c>. <c>OrigSender</c> / <c>OnBehalfOf</c> are noted on the sender.
/// </summary>
internal static class BloombergMessageMapper
{
    public static ParsedEntry Map(XElement message, FileParseContext context)
    {
        var id = XmlFields.Text(message, "MsgID", "MessageID") ?? XmlFields.Attribute(message, "MsgID");
        if (id is null)
        {
            return new ParseFailure("A Bloomberg Message has no MsgID.");
        }
        var time = BloombergTime.Read(XmlFields.Text(message, "MsgTimeUTC"), XmlFields.Text(message, "MsgTime"));
        if (time is null)
        {
            return new ParseFailure($"Bloomberg Message {id} has no readable MsgTimeUTC or MsgTime.", ItemId: id);
        }
        if (XmlFields.Child(message, "Sender") is not { } senderElement)
        {
            return new ParseFailure($"Bloomberg Message {id} has no Sender.", ItemId: id);
        }

        var sender = BloombergIdentity.From(BloombergIdentity.PersonIn(senderElement),
            ("OrigSender", PersonId(message, "OrigSender")), ("OnBehalfOf", PersonId(message, "OnBehalfOf")));
        var attachments = ListedIn(message, "Attachments", "Attachment").Select(a => BloombergAttachments.Resolve(a, context)).ToList();
        var missing = attachments.Where(a => a.Missing is not null).Select(a => a.Missing).ToList();
        return new ParsedItem(new SourceItem
        {
            SourceAccount = context.SourceAccount,
            SourceId = id,
            Sender = sender,
            Recipients = Recipients(message),
            SentAt = time.Value.At,
            SentAtText = time.Value.Text,
            Subject = XmlFields.Text(message, "Subject"),
            BodyText = XmlFields.Content(message, "MsgBody", "Body"),
            Attachments = attachments.Select(a => a.Attachment).ToList(),
            PartialReason = missing.Count == 0 ? null : string.Join("; ", missing),
            Raw = Encoding.UTF8.GetBytes(message.ToString(SaveOptions.DisableFormatting)),
            EvidenceFileId = context.EvidenceFileId,
        });
    }

    private static List<SourceIdentity> Recipients(XElement message)
    {
        var recipients = new List<SourceIdentity>();
        foreach (var recipient in ListedIn(message, "Recipients", "Recipient"))
        {
            var deliveryType = (XmlFields.Attribute(recipient, "DeliveryType") ?? XmlFields.Text(recipient, "DeliveryType") ?? "TO")
                .ToUpperInvariant();
            var people = XmlFields.Children(recipient, "UserInfo").Concat(XmlFields.Children(recipient, "User")).ToList();
            foreach (var person in people.Count > 0 ? people : [recipient])
            {
                recipients.Add(BloombergIdentity.From(person, ("DeliveryType", deliveryType)));
            }
        }
        return recipients;
    }

    /// <summary>Elements named <paramref name="name"/> directly in the message or in a <paramref name="wrapper"/> element.</summary>
    private static IEnumerable<XElement> ListedIn(XElement message, string wrapper, string name) =>
        XmlFields.Children(message, name).Concat(XmlFields.Children(message, wrapper).SelectMany(w => XmlFields.Children(w, name)));

    private static string? PersonId(XElement message, string name) =>
        XmlFields.Child(message, name) is { } element && element.HasElements
            ? BloombergIdentity.From(BloombergIdentity.PersonIn(element)).SourceId
            : XmlFields.Text(message, name);
}

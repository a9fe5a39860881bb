using System.Diagnostics;
using System.Xml.Linq;
using Connectors.Archive;
using Connectors.Sources.Files;
using L = Connectors.Sources.Refinitiv.RefinitivLayout;

namespace Connectors.Sources.Refinitiv;

/// <summary>
/// Reads a Refinitiv Messenger <c>messages.xml</c> (e.g. <c>20261124_messages.xml</c>), streaming, in the
/// layout described on <see cref="RefinitivLayout"/>. Every <c>Message</c> element yields exactly one entry,
/// an item or a <see cref="ParseFailure"/> with an item id, so the count reconciles with the day's
/// <c>summary.xml</c>. An item's source id is the message id and its raw bytes are the message element alone,
/// so a message a history request delivers again is byte-for-byte the same item and deduplicates.
/// </summary>
public sealed class RefinitivMessagesParser : IVendorFileParser
{
    private const string UnknownSender = "(unknown sender)";

    private static readonly XmlRecordLayout Layout = new(
        RecordName: L.Message,
        RootNames: [L.MessagesRoot],
        ContextNames: [L.ConversationId, L.ConversationName],
        IdNames: L.MessageId);

    /// <inheritdoc />
    public bool Accepts(string fileName) =>
        Path.GetFileName(fileName).Contains("messages.xml", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IEnumerable<ParsedEntry> Parse(Stream content, FileParseContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var entry in XmlRecordReader.Read(content, Layout, cancellationToken))
        {
            yield return entry switch
            {
                XmlRecord record => ToEntry(record, context),
                XmlRecordTooLarge large => new ParseFailure(
                    $"The Refinitiv message{ChatXml.AtLine(large.Line)} is larger than {ChatXml.Size(Layout.MaxRecordCharacters)} and was not read.",
                    large.Id ?? ChatXml.Locator(context, large.Ordinal), large.Line),
                XmlFileUnreadable unreadable => new ParseFailure(unreadable.Reason, Line: unreadable.Line, StopsFile: true),
                _ => throw new UnreachableException(),
            };
        }
    }

    private static ParsedEntry ToEntry(XmlRecord record, FileParseContext context)
    {
        var message = record.Element;
        var id = L.MessageId.Select(message.Field).FirstOrDefault(v => v is not null);
        if (id is null)
        {
            // Still an entry with an item id: the summary counted this message too.
            return new ParseFailure(
                $"The Refinitiv message{ChatXml.AtLine(record.Line)} has no <{L.MessageId[0]}>.",
                ChatXml.Locator(context, record.Ordinal), record.Line);
        }
        var sentAtText = message.Field(L.Timestamp);
        if (sentAtText is null)
        {
            return new ParseFailure($"Refinitiv message {id} has no <{L.Timestamp}>.", id, record.Line);
        }
        if (!ChatXml.TryParseTimestamp(sentAtText, ChatXml.AutoTimestamp, out var sentAt))
        {
            return new ParseFailure(
                $"Refinitiv message {id} has a time {ChatXml.Quote(sentAtText)} that is neither ISO 8601 nor a Unix epoch.", id, record.Line);
        }

        var conversationId = message.Field(L.ConversationId) ?? record.Context.GetValueOrDefault(L.ConversationId);
        var conversationName = message.Field(L.ConversationName) ?? record.Context.GetValueOrDefault(L.ConversationName);
        var sender = (message.Child(L.Sender) is { } senderElement ? Identity(senderElement) : null) ?? new SourceIdentity(UnknownSender);
        var recipients = L.RecipientContainers
            .Select(message.Child)
            .OfType<XElement>()
            .SelectMany(container => container.Elements())
            .Select(Identity)
            .OfType<SourceIdentity>();
        var (attachments, partialReason) = ChatXml.Attachments(
            message.DescendantsNamed(L.Attachment).Select(a => (a.Field(L.AttachmentId), a.Field(L.AttachmentName), a.Number(L.AttachmentSize))),
            context);

        return new ParsedItem(new SourceItem
        {
            SourceAccount = context.SourceAccount,
            SourceId = id,
            ConversationId = conversationId,
            Sender = sender,
            Recipients = ChatXml.Recipients(recipients, sender),
            SentAt = sentAt,
            SentAtText = sentAtText,
            Subject = (conversationName ?? conversationId) is { } room ? $"Refinitiv Messenger: {room}" : "Refinitiv Messenger",
            BodyText = message.Text(L.Text),
            Attachments = attachments,
            Raw = record.Raw,
            PartialReason = partialReason,
            EvidenceFileId = context.EvidenceFileId,
        });
    }

    /// <summary>A Messenger user keyed by UUID (by email when the UUID is missing); null when neither is given.</summary>
    private static SourceIdentity? Identity(XElement person)
    {
        var uuid = person.Field(L.Uuid);
        var email = person.Field(L.Email);
        return uuid is null && email is null
            ? null
            : new SourceIdentity(uuid ?? email!, person.Field(L.Name), email, ChatXml.Properties(("Uuid", uuid)));
    }
}

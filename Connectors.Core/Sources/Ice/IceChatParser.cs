using System.Diagnostics;
using System.IO.Enumeration;
using System.Xml.Linq;
using Connectors.Archive;
using Connectors.Sources.Files;

namespace Connectors.Sources.Ice;

/// <summary>
/// Reads an ICE Chat daily XML file, streaming, with element names from an <see cref="IceChatSchema"/>.
/// Each message becomes one item: its id is the source id, its sender and every recipient are listed with
/// their ICE IM id and email (<c>ImId</c>, <c>SenderEmail</c>/<c>RecipientEmail</c> properties) so the
/// pipeline can place one copy in each mapped mailbox, as ICE archiving does. A message without an id or a
/// readable time is a <see cref="ParseFailure"/> and reading goes on; malformed or hostile XML ends the file
/// with one failure that stops it. Elements other than messages (joins, leaves, disclaimers) are not items.
/// </summary>
public sealed class IceChatParser : IVendorFileParser
{
    private const string UnknownSender = "(unknown sender)";

    private readonly IceChatSchema _schema;
    private readonly XmlRecordLayout _layout;

    /// <summary>Creates a parser for files laid out as <paramref name="schema"/> says.</summary>
    /// <exception cref="ArgumentException">The schema is not valid (see <see cref="IceChatSchema.Validate"/>).</exception>
    public IceChatParser(IceChatSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var errors = schema.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                "The ICE Chat schema is not valid: " + string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
                nameof(schema));
        }
        _schema = schema;
        _layout = new XmlRecordLayout(
            RecordName: schema.MessageElement,
            RootNames: schema.RootElement.Trim() == "*" ? [] : [schema.RootElement],
            ContextNames: [schema.ConversationIdElement],
            IdNames: [schema.MessageIdElement]);
    }

    /// <inheritdoc />
    public bool Accepts(string fileName)
    {
        var name = Path.GetFileName(fileName);
        return _schema.FileNamePatterns.Any(pattern => FileSystemName.MatchesSimpleExpression(pattern.Trim(), name, ignoreCase: true));
    }

    /// <inheritdoc />
    public IEnumerable<ParsedEntry> Parse(Stream content, FileParseContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var entry in XmlRecordReader.Read(content, _layout, cancellationToken))
        {
            yield return entry switch
            {
                XmlRecord record => ToEntry(record, context),
                XmlRecordTooLarge large => new ParseFailure(
                    $"The ICE message{ChatXml.AtLine(large.Line)} is larger than {ChatXml.Size(_layout.MaxRecordCharacters)} and was not read.",
                    large.Id ?? ChatXml.Locator(context, large.Ordinal), large.Line),
                XmlFileUnreadable unreadable => new ParseFailure(
                    unreadable.WrongRoot ? $"{unreadable.Reason} Check iceSchema.rootElement." : unreadable.Reason,
                    Line: unreadable.Line, StopsFile: true),
                _ => throw new UnreachableException(),
            };
        }
    }

    private ParsedEntry ToEntry(XmlRecord record, FileParseContext context)
    {
        var message = record.Element;
        var id = message.Field(_schema.MessageIdElement);
        if (id is null)
        {
            return new ParseFailure(
                $"The ICE message{ChatXml.AtLine(record.Line)} has no <{_schema.MessageIdElement}>.",
                ChatXml.Locator(context, record.Ordinal), record.Line);
        }
        var sentAtText = message.Field(_schema.TimestampElement);
        if (sentAtText is null)
        {
            return new ParseFailure($"ICE message {id} has no <{_schema.TimestampElement}>.", id, record.Line);
        }
        if (!ChatXml.TryParseTimestamp(sentAtText, _schema.TimestampFormat, out var sentAt))
        {
            return new ParseFailure(
                $"ICE message {id} has a time {ChatXml.Quote(sentAtText)} that is not {_schema.TimestampFormat}.", id, record.Line);
        }

        var conversationId = message.Field(_schema.ConversationIdElement)
            ?? record.Context.GetValueOrDefault(_schema.ConversationIdElement);
        var sender = Identity(
            message.Field(_schema.SenderImIdElement), message.Field(_schema.SenderNameElement),
            message.Field(_schema.SenderEmailElement), "SenderEmail") ?? new SourceIdentity(UnknownSender);
        var recipientScope = message.Child(_schema.RecipientsElement) ?? message;
        var recipients = recipientScope.DescendantsNamed(_schema.RecipientElement)
            .Select(r => Identity(
                r.Field(_schema.RecipientImIdElement), r.Field(_schema.RecipientNameElement),
                r.Field(_schema.RecipientEmailElement), "RecipientEmail"))
            .OfType<SourceIdentity>();
        var (attachments, partialReason) = ChatXml.Attachments(
            message.DescendantsNamed(_schema.AttachmentElement).Select(a => (
                a.Field(_schema.AttachmentIdElement), a.Field(_schema.AttachmentNameElement), a.Number(_schema.AttachmentSizeElement))),
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
            Subject = conversationId is null ? "ICE Chat" : $"ICE Chat: {conversationId}",
            BodyText = message.Text(_schema.BodyElement),
            Attachments = attachments,
            Raw = record.Raw,
            PartialReason = partialReason,
            EvidenceFileId = context.EvidenceFileId,
        });
    }

    /// <summary>
    /// A participant keyed by ICE IM id (by email when the IM id is missing), with the email also under the
    /// ICE property name Purview maps by. Null when the file names neither.
    /// </summary>
    private static SourceIdentity? Identity(string? imId, string? name, string? email, string emailProperty) =>
        imId is null && email is null
            ? null
            : new SourceIdentity(imId ?? email!, name, email, ChatXml.Properties(("ImId", imId), (emailProperty, email)));
}

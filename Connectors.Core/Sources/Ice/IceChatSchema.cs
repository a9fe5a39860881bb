using System.Text.Json;

namespace Connectors.Sources.Ice;

/// <summary>
/// Where things are in an ICE Chat daily XML file. ICE publishes no schema, so every name is configurable and
/// the defaults are assumptions (documented per property) for an administrator to correct from a real file.
/// Names are local element names matched ignoring case; a value may also be an attribute of that name.
/// Stored as JSON with <see cref="JsonSerializerDefaults.Web"/> (properties in camelCase).
/// </summary>
/// <example>
/// The default layout:
/// <code>
/// &lt;FileDump&gt;
///   &lt;Conversation&gt;                                   (optional wrapper; may carry the ConversationID)
///     &lt;ConversationID&gt;ICE-ROOM-42&lt;/ConversationID&gt;
///     &lt;Message&gt;
///       &lt;MessageID&gt;m-1&lt;/MessageID&gt;
///       &lt;ConversationID&gt;ICE-ROOM-42&lt;/ConversationID&gt;  (wins over the wrapper's)
///       &lt;SenderImId&gt;jtrader1&lt;/SenderImId&gt;&lt;SenderName&gt;Jo Trader&lt;/SenderName&gt;&lt;SenderEmail&gt;jo@contoso.com&lt;/SenderEmail&gt;
///       &lt;Recipients&gt;
///         &lt;Recipient&gt;&lt;RecipientImId&gt;bbroker2&lt;/RecipientImId&gt;&lt;RecipientEmail&gt;bo@broker.example&lt;/RecipientEmail&gt;&lt;/Recipient&gt;
///       &lt;/Recipients&gt;
///       &lt;Timestamp&gt;2026-11-24T09:15:02.123Z&lt;/Timestamp&gt;
///       &lt;Text&gt;Can you show 5y?&lt;/Text&gt;
///       &lt;Attachment&gt;&lt;FileID&gt;f-9&lt;/FileID&gt;&lt;FileName&gt;quote.pdf&lt;/FileName&gt;&lt;FileSize&gt;2048&lt;/FileSize&gt;&lt;/Attachment&gt;
///     &lt;/Message&gt;
///   &lt;/Conversation&gt;
/// &lt;/FileDump&gt;
/// </code>
/// </example>
public sealed record IceChatSchema
{
    /// <summary>The defaults described on each property.</summary>
    public static IceChatSchema Default { get; } = new();

    /// <summary>
    /// File names (after decryption) the ICE parser reads, as wildcards (<c>*</c>, <c>?</c>) matched ignoring
    /// case against the name without folders. Default <c>*ice*.xml</c>: XML files whose name contains "ice".
    /// </summary>
    public IReadOnlyList<string> FileNamePatterns { get; init; } = ["*ice*.xml"];

    /// <summary>
    /// The root element; another root stops the file with a failure naming this setting, so a wrong schema
    /// shows at once instead of importing nothing. <c>*</c> accepts any root. Default <c>FileDump</c>
    /// (assumed: the layout other chat archives such as Instant Bloomberg share).
    /// </summary>
    public string RootElement { get; init; } = "FileDump";

    /// <summary>One chat message, at any depth. Default <c>Message</c>.</summary>
    public string MessageElement { get; init; } = "Message";

    /// <summary>
    /// The conversation (room) id: read from the message, else from an enclosing element (as its attribute
    /// or a text-only child before the messages). Default <c>ConversationID</c>.
    /// </summary>
    public string ConversationIdElement { get; init; } = "ConversationID";

    /// <summary>The message's id, unique within the ICE company; a message without one is a failure. Default <c>MessageID</c>.</summary>
    public string MessageIdElement { get; init; } = "MessageID";

    /// <summary>The sender's ICE IM id (<c>ImId</c>), the mapping key of a custom user-mapping file. Default <c>SenderImId</c>.</summary>
    public string SenderImIdElement { get; init; } = "SenderImId";

    /// <summary>The sender's email, used for automatic user mapping. Default <c>SenderEmail</c>.</summary>
    public string SenderEmailElement { get; init; } = "SenderEmail";

    /// <summary>The sender's display name. Default <c>SenderName</c>.</summary>
    public string SenderNameElement { get; init; } = "SenderName";

    /// <summary>The container of the message's recipients; when absent, recipients are looked for anywhere in the message. Default <c>Recipients</c>.</summary>
    public string RecipientsElement { get; init; } = "Recipients";

    /// <summary>One recipient, holding its IM id, email and name. Default <c>Recipient</c>.</summary>
    public string RecipientElement { get; init; } = "Recipient";

    /// <summary>A recipient's ICE IM id. Default <c>RecipientImId</c>.</summary>
    public string RecipientImIdElement { get; init; } = "RecipientImId";

    /// <summary>A recipient's email, used for automatic user mapping. Default <c>RecipientEmail</c>.</summary>
    public string RecipientEmailElement { get; init; } = "RecipientEmail";

    /// <summary>A recipient's display name. Default <c>RecipientName</c>.</summary>
    public string RecipientNameElement { get; init; } = "RecipientName";

    /// <summary>When the message was sent; a message without a readable time is a failure. Default <c>Timestamp</c>.</summary>
    public string TimestampElement { get; init; } = "Timestamp";

    /// <summary>
    /// How <see cref="TimestampElement"/> is written: <c>auto</c> (default: ISO 8601, or Unix epoch seconds or
    /// milliseconds when the value is only digits), <c>iso8601</c>, <c>epochSeconds</c>, <c>epochMilliseconds</c>,
    /// or a .NET custom format such as <c>MM/dd/yyyy HH:mm:ss</c>. A time without an offset is UTC.
    /// </summary>
    public string TimestampFormat { get; init; } = "auto";

    /// <summary>The message text. Default <c>Text</c>.</summary>
    public string BodyElement { get; init; } = "Text";

    /// <summary>One attachment of the message, at any depth inside it. Default <c>Attachment</c>.</summary>
    public string AttachmentElement { get; init; } = "Attachment";

    /// <summary>The attachment's ICE file id, the key of the files delivered beside the XML. Default <c>FileID</c>.</summary>
    public string AttachmentIdElement { get; init; } = "FileID";

    /// <summary>The attachment's file name. Default <c>FileName</c>.</summary>
    public string AttachmentNameElement { get; init; } = "FileName";

    /// <summary>The attachment's size in bytes. Default <c>FileSize</c>.</summary>
    public string AttachmentSizeElement { get; init; } = "FileSize";

    /// <summary>The problems of this schema keyed <c>iceSchema.&lt;property&gt;</c> (camelCase); empty when valid.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        var patterns = FileNamePatterns ?? [];
        if (patterns.Count == 0 || patterns.Any(string.IsNullOrWhiteSpace))
        {
            errors[Key(nameof(FileNamePatterns))] = ["Give at least one file name pattern, none of them empty."];
        }
        foreach (var (property, value) in Names())
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors[Key(property)] = ["An element name is required."];
            }
            else if (value.Length > 200)
            {
                errors[Key(property)] = ["An element name has at most 200 characters."];
            }
        }
        if (string.IsNullOrWhiteSpace(TimestampFormat))
        {
            errors[Key(nameof(TimestampFormat))] = ["Give auto, iso8601, epochSeconds, epochMilliseconds or a .NET date format."];
        }
        return errors;
    }

    private static string Key(string property) => "iceSchema." + JsonNamingPolicy.CamelCase.ConvertName(property);

    private IEnumerable<(string Property, string? Value)> Names() =>
    [
        (nameof(RootElement), RootElement),
        (nameof(MessageElement), MessageElement),
        (nameof(ConversationIdElement), ConversationIdElement),
        (nameof(MessageIdElement), MessageIdElement),
        (nameof(SenderImIdElement), SenderImIdElement),
        (nameof(SenderEmailElement), SenderEmailElement),
        (nameof(SenderNameElement), SenderNameElement),
        (nameof(RecipientsElement), RecipientsElement),
        (nameof(RecipientElement), RecipientElement),
        (nameof(RecipientImIdElement), RecipientImIdElement),
        (nameof(RecipientEmailElement), RecipientEmailElement),
        (nameof(RecipientNameElement), RecipientNameElement),
        (nameof(TimestampElement), TimestampElement),
        (nameof(BodyElement), BodyElement),
        (nameof(AttachmentElement), AttachmentElement),
        (nameof(AttachmentIdElement), AttachmentIdElement),
        (nameof(AttachmentNameElement), AttachmentNameElement),
        (nameof(AttachmentSizeElement), AttachmentSizeElement),
    ];
}

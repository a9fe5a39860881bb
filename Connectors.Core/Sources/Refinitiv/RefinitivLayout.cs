namespace Connectors.Sources.Refinitiv;

/// <summary>
/// The Refinitiv (LSEG) Messenger Compliance "External Feeds" daily XML files as this connector reads them.
/// Public facts: a daily <c>messages.xml</c> with the day's messages and event records, a <c>summary.xml</c>
/// with the day's totals for reconciliation, attachments beside them, and history requests that deliver
/// messages again. LSEG's element names are not public, so the names below are this connector's choice;
/// matching ignores case and takes a value from an attribute or a child element of the same name, so
/// <c>&lt;Message id="…"&gt;</c> and <c>&lt;Message&gt;&lt;Id&gt;…&lt;/Id&gt;</c> both read.
/// <code>
/// &lt;Messages date="2026-11-24"&gt;                    root; its attributes are not part of any item
///   &lt;Message&gt;                                    directly under the root or inside any wrapper
///     &lt;MessageId&gt;msg-1&lt;/MessageId&gt;                 the item's source id (Id is accepted too)
///     &lt;ConversationId&gt;room-7&lt;/ConversationId&gt;      chat room or bilateral chat
///     &lt;ConversationName&gt;FX Desk&lt;/ConversationName&gt;
///     &lt;Sender&gt;&lt;Uuid&gt;GE-1&lt;/Uuid&gt;&lt;Name&gt;Jo&lt;/Name&gt;&lt;Email&gt;jo@contoso.com&lt;/Email&gt;&lt;/Sender&gt;
///     &lt;Recipients&gt;&lt;Recipient&gt;…same as Sender…&lt;/Recipient&gt;&lt;/Recipients&gt;   (or Participants/Participant)
///     &lt;Timestamp&gt;2026-11-24T09:15:02.123Z&lt;/Timestamp&gt;  ISO 8601 (no offset = UTC) or Unix epoch s/ms
///     &lt;Text&gt;…&lt;/Text&gt;
///     &lt;Attachments&gt;&lt;Attachment&gt;&lt;FileId/&gt;&lt;FileName/&gt;&lt;Size/&gt;&lt;/Attachment&gt;&lt;/Attachments&gt;
///   &lt;/Message&gt;
///   &lt;Event type="Join"&gt;…&lt;/Event&gt;                  joins, leaves, invites: not items (see below)
///   &lt;HistoryRequest requestId="…"&gt;&lt;Message&gt;…&lt;/Message&gt;&lt;/HistoryRequest&gt;
/// &lt;/Messages&gt;
///
/// &lt;Summary&gt;&lt;Date&gt;2026-11-24&lt;/Date&gt;&lt;MessageCount&gt;1234&lt;/MessageCount&gt;…&lt;/Summary&gt;
/// </code>
/// A wrapper (a <c>Conversation</c> grouping, a history request) may carry <c>ConversationId</c> and
/// <c>ConversationName</c> for the messages inside it, as attributes or as text-only children before them.
/// Event records are not items: the summary's message count does not include them, they carry no content
/// to review, and room membership is already on each message as its recipients.
/// </summary>
internal static class RefinitivLayout
{
    public const string MessagesRoot = "Messages";
    public const string Message = "Message";
    public static readonly string[] MessageId = ["MessageId", "Id"];
    public const string ConversationId = "ConversationId";
    public const string ConversationName = "ConversationName";
    public const string Sender = "Sender";
    public static readonly string[] RecipientContainers = ["Recipients", "Participants"];
    public const string Uuid = "Uuid";
    public const string Name = "Name";
    public const string Email = "Email";
    public const string Timestamp = "Timestamp";
    public const string Text = "Text";
    public const string Attachment = "Attachment";
    public const string AttachmentId = "FileId";
    public const string AttachmentName = "FileName";
    public const string AttachmentSize = "Size";

    public const string SummaryRoot = "Summary";
    public const string MessageCount = "MessageCount";
}

namespace Connectors.Archive;

/// <summary>
/// One immutable version of an archived item. Rows are only ever inserted: an edit or a deletion at the
/// source is a new row with the same <see cref="ItemKey"/> and another <see cref="VersionHash"/>, so the
/// archive can re-create what was said first and every change after it. What changes over time
/// (placements, quarantine) lives in other tables.
/// </summary>
public sealed class ArchivedItem
{
    public long Id { get; set; }
    /// <summary>source type : source account : source id — not our connector id.</summary>
    public required string ItemKey { get; set; }
    public required string VersionHash { get; set; }
    public VersionKind VersionKind { get; set; }
    public Guid ConnectorId { get; set; }
    public long RunId { get; set; }
    public required string SourceType { get; set; }
    public required string ItemClass { get; set; }
    public required string SourceAccount { get; set; }
    public required string SourceId { get; set; }
    public string? ConversationId { get; set; }
    public string? ThreadId { get; set; }
    public string? ParentId { get; set; }
    /// <summary>JSON: the sender as the source named them.</summary>
    public required string Sender { get; set; }
    /// <summary>JSON array of the recipients as the source named them.</summary>
    public required string Recipients { get; set; }
    public DateTimeOffset SentAt { get; set; }
    public string? SentAtText { get; set; }
    public DateTimeOffset IngestedAt { get; set; }
    public string? Subject { get; set; }
    public string? BodyText { get; set; }
    public string? BodyHtml { get; set; }
    /// <summary>JSON array of attachments (name, size, content type, SHA-256).</summary>
    public required string Attachments { get; set; }
    public required string RawSha256 { get; set; }
    public long RawSize { get; set; }
    public string? PartialReason { get; set; }
    /// <summary>The delivered file the item was read from (see Evidence), when it came in a file.</summary>
    public Guid? EvidenceFileId { get; set; }
    /// <summary>SHA-256 of the row's content columns, set by PostgreSQL on insert (see the integrity verifier).</summary>
    public string ContentHash { get; set; } = "";

    /// <summary>The item key every source uses: its type, the source account and the source's id.</summary>
    public static string KeyOf(string sourceType, string sourceAccount, string sourceId) =>
        $"{sourceType.ToLowerInvariant()}:{sourceAccount}:{sourceId}";

    public static string ItemClassOf(string sourceType) => $"ipm.externaldata.{sourceType.ToLowerInvariant()}";
}

/// <summary>Content stored once by its SHA-256 (the PostgreSQL blob store; other stores can replace it).</summary>
public sealed class ContentBlob
{
    public required string Sha256 { get; set; }
    public long Size { get; set; }
    public required byte[] Content { get; set; }
}

/// <summary>An item version in one person's archive mailbox, in the folder named after the source.</summary>
public sealed class MailboxPlacement
{
    public long ItemId { get; set; }
    public Guid AccountId { get; set; }
    public required string Folder { get; set; }
    public Guid ConnectorId { get; set; }
    public long RunId { get; set; }
    public DateTimeOffset PlacedAt { get; set; }
}

/// <summary>A connector's resume point, committed in the same transaction as the items it covers.</summary>
public sealed class ConnectorCursor
{
    public Guid ConnectorId { get; set; }
    public required string Value { get; set; }
    public long RunId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

namespace Connectors.Governance.Holds;

/// <summary>
/// Preserves items whatever retention says: by custodian (the items in one person's archive mailbox), by
/// source (a connector or a source type) and by sent-date range. Every criterion that is set must match;
/// a hold with none set holds everything. Held items cannot be deleted by anything: PostgreSQL refuses it.
/// </summary>
public sealed class LegalHold
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>The custodian: an organisation account whose archive mailbox is held.</summary>
    public Guid? AccountId { get; set; }
    public Guid? ConnectorId { get; set; }
    public string? SourceType { get; set; }
    public DateTimeOffset? SentFrom { get; set; }
    /// <summary>Exclusive upper bound of the sent date.</summary>
    public DateTimeOffset? SentTo { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? ReleasedAt { get; set; }
    public string? ReleasedBy { get; set; }
    public string? ReleaseReason { get; set; }
    /// <summary>PostgreSQL's row version: a hold is released once, by one person.</summary>
    public uint Version { get; set; }

    public bool Active => ReleasedAt is null;
}

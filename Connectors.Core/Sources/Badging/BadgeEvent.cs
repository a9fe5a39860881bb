namespace Connectors.Sources.Badging;

/// <summary>
/// One badge access event: a signal for insider-risk management, never mailbox content. The dedup key is
/// the event itself (person, door, time, outcome), so the same events pushed twice import nothing new.
/// </summary>
public sealed class BadgeEvent
{
    public long Id { get; set; }
    public required string DedupKey { get; set; }
    public Guid ConnectorId { get; set; }
    public Guid UploadId { get; set; }
    public long RunId { get; set; }
    /// <summary>The record's position in the pushed array (0-based).</summary>
    public int RecordIndex { get; set; }
    public required string UserId { get; set; }
    /// <summary>The account the event is attributed to; null while nobody could be mapped (quarantined).</summary>
    public Guid? AccountId { get; set; }
    public required string AssetId { get; set; }
    public string? AssetName { get; set; }
    public DateTimeOffset EventTime { get; set; }
    public required string EventTimeText { get; set; }
    /// <summary>True when the time had no offset and was taken as UTC.</summary>
    public bool OffsetAssumed { get; set; }
    /// <summary>Success or Failed.</summary>
    public required string AccessStatus { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
}

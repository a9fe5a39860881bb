namespace Connectors.Sources.Hr;

public enum UploadStatus
{
    Pending,
    Imported,
    Failed,
}

/// <summary>
/// A CSV file pushed to an HR connector, kept whole with its SHA-256 as evidence of what was received.
/// </summary>
public sealed class SignalUpload
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ConnectorId { get; set; }
    public required string FileName { get; set; }
    public required string Sha256 { get; set; }
    public long Size { get; set; }
    public int RowCount { get; set; }
    public required byte[] Content { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string ReceivedBy { get; set; }
    public UploadStatus Status { get; set; }
    public long? RunId { get; set; }
    public int RowsImported { get; set; }
    public int RowsDuplicate { get; set; }
    public int RowsFailed { get; set; }
}

/// <summary>
/// One HR event: a signal for insider-risk management, never mailbox content. The dedup key is derived
/// from the record itself (not from our connector id), so the same file pushed twice imports nothing new.
/// </summary>
public sealed class HrSignal
{
    public long Id { get; set; }
    public required string DedupKey { get; set; }
    public Guid ConnectorId { get; set; }
    public Guid UploadId { get; set; }
    public long RunId { get; set; }
    public int RowNumber { get; set; }
    public required string Scenario { get; set; }
    public required string EmailAddress { get; set; }
    /// <summary>The account the signal is attributed to; null while nobody could be mapped (quarantined).</summary>
    public Guid? AccountId { get; set; }
    /// <summary>
    /// When it happened, in UTC: the resignation date, the effective date of a level change, review or
    /// plan, or for an employee profile the time the file was received. Mapping uses this time.
    /// </summary>
    public DateTimeOffset? EventDate { get; set; }
    /// <summary>The event date as written in the file (null for profiles, whose event time is the upload's).</summary>
    public string? EventDateText { get; set; }
    public DateTimeOffset? LastWorkingDate { get; set; }
    public string? LastWorkingDateText { get; set; }
    /// <summary>Job level change, performance review and improvement plan: the date it takes effect.</summary>
    public DateTimeOffset? EffectiveDate { get; set; }
    public string? EffectiveDateText { get; set; }
    /// <summary>Free text (at most 200 characters).</summary>
    public string? Remarks { get; set; }
    public string? OldLevel { get; set; }
    public string? NewLevel { get; set; }
    /// <summary>Performance rating as written (at most 25 characters).</summary>
    public string? Rating { get; set; }
    /// <summary>Employee profile fields as a JSON object (jsonb), e.g. <c>{"department":"Sales"}</c>; null for other scenarios.</summary>
    public string? Profile { get; set; }
    /// <summary>True when a date had no offset and was taken as UTC.</summary>
    public bool OffsetAssumed { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
    /// <summary>
    /// The last time the row was received, first import included: pushing an unchanged employee profile
    /// again imports nothing new but refreshes it (see <see cref="HrProfiles"/>).
    /// </summary>
    public DateTimeOffset RefreshedAt { get; set; }
}

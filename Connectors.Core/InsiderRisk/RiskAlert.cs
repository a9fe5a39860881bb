namespace Connectors.InsiderRisk;

/// <summary>
/// A stored insider-risk finding: what the correlation found (kept current while new signals arrive in its
/// window), and the analyst's triage. Readable only by insider-risk analysts and Global Administrators.
/// </summary>
public sealed class RiskAlert
{
    public long Id { get; set; }
    /// <summary>The finding's stable key: the same trigger always updates the same alert.</summary>
    public required string Key { get; set; }
    public required string Policy { get; set; }
    public Guid AccountId { get; set; }
    public RiskSeverity Severity { get; set; }
    public RiskState State { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public DateTimeOffset WindowEnd { get; set; }
    public required string Summary { get; set; }
    /// <summary>JSON array of the contributing signals (kind, time, source, description).</summary>
    public required string Contributions { get; set; }
    public DateTimeOffset DetectedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? TriagedAt { get; set; }
    public string? TriagedBy { get; set; }
    public string? TriageNotes { get; set; }
    /// <summary>PostgreSQL's row version: two analysts triaging at once cannot both win.</summary>
    public uint Version { get; set; }
}

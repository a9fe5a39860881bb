namespace Connectors.Sources.Files;

/// <summary>What became of a delivered file.</summary>
public enum DeliveredFileOutcome
{
    Imported,
    /// <summary>Read, but some of it failed (a bad record, or the file broke off part way).</summary>
    Partial,
    /// <summary>Nothing could be read (cannot decrypt, not the expected format).</summary>
    Failed,
}

/// <summary>
/// A file the connector has processed, by its path at the source: a file is processed once, and again
/// only when it changes (another size, time or content) — late and re-delivered files are caught, and
/// dedup keeps the archive clean. State, not evidence: it is updated; the evidence rows never are.
/// </summary>
public sealed class DeliveredFile
{
    public Guid ConnectorId { get; set; }
    public required string SourcePath { get; set; }
    public long Size { get; set; }
    public DateTimeOffset? SourceModifiedAt { get; set; }
    public required string Sha256 { get; set; }
    public Guid EvidenceFileId { get; set; }
    public long RunId { get; set; }
    public DateTimeOffset ProcessedAt { get; set; }
    public DeliveredFileOutcome Outcome { get; set; }
    public long ItemsRead { get; set; }
    public string? Reason { get; set; }
}

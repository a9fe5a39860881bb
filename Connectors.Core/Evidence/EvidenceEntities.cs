namespace Connectors.Evidence;

/// <summary>
/// Delivered content stored once by SHA-256, in chunks so a file of any size streams in and out of
/// PostgreSQL (replicas share no disk). Immutable once written.
/// </summary>
public sealed class EvidenceBlob
{
    public Guid Id { get; set; }
    public required string Sha256 { get; set; }
    public long Size { get; set; }
    public int Chunks { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One chunk of an <see cref="EvidenceBlob"/>, in order.</summary>
public sealed class EvidenceChunk
{
    public Guid BlobId { get; set; }
    public int Sequence { get; set; }
    public required byte[] Data { get; set; }
}

/// <summary>
/// One delivery of a file exactly as the source delivered it (still encrypted), with its hash and size:
/// the evidence that an item came from the vendor. Every delivery is a row, the content is stored once.
/// </summary>
public sealed class EvidenceFile
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ConnectorId { get; set; }
    public long? RunId { get; set; }
    /// <summary>The file's name or path at the source.</summary>
    public required string SourcePath { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public Guid BlobId { get; set; }
    /// <summary>The modification time the source reported, if any.</summary>
    public DateTimeOffset? SourceModifiedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

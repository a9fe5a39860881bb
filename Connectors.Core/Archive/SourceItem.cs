namespace Connectors.Archive;

/// <summary>A person as the source names them; mapped to an organisation account by the pipeline.</summary>
public sealed record SourceIdentity(string SourceId, string? DisplayName = null, string? Email = null,
    IReadOnlyDictionary<string, string>? Properties = null)
{
    /// <summary>The value of a mapping property: "email" or a source-specific property such as CorporateEmailAddress.</summary>
    public string? Property(string name) =>
        string.Equals(name, "email", StringComparison.OrdinalIgnoreCase) ? Email
        : Properties is not null && Properties.TryGetValue(name, out var value) ? value
        : Properties?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>What changed at the source: every change is a new immutable version, never an overwrite.</summary>
public enum VersionKind
{
    Original,
    Edit,
    Deletion,
}

public sealed record ItemAttachment(string Name, long Size, string? ContentType, string Sha256);

/// <summary>
/// One communication as a source connector produces it. The pipeline keys it by source account and
/// source id, maps its people, stores it once and places it in each mapped mailbox.
/// </summary>
public sealed class SourceItem
{
    /// <summary>The source account that scopes ids (Slack team, Bloomberg customer id, ICE company…).</summary>
    public required string SourceAccount { get; init; }
    /// <summary>The source's own id of the object, unique within the source account.</summary>
    public required string SourceId { get; init; }
    public string? ConversationId { get; init; }
    public string? ThreadId { get; init; }
    public string? ParentId { get; init; }
    public required SourceIdentity Sender { get; init; }
    public IReadOnlyList<SourceIdentity> Recipients { get; init; } = [];
    public required DateTimeOffset SentAt { get; init; }
    /// <summary>The sent time exactly as the source wrote it.</summary>
    public string? SentAtText { get; init; }
    public string? Subject { get; init; }
    public string? BodyText { get; init; }
    public string? BodyHtml { get; init; }
    public IReadOnlyList<ItemAttachment> Attachments { get; init; } = [];
    /// <summary>The source's bytes for this item, kept as evidence with their SHA-256.</summary>
    public required ReadOnlyMemory<byte> Raw { get; init; }
    public VersionKind Kind { get; init; } = VersionKind.Original;
    /// <summary>The source's edit marker (e.g. Slack's edited.ts); without one the raw bytes decide the version.</summary>
    public string? VersionMarker { get; init; }
    /// <summary>Set when part of the item could not be kept (e.g. an attachment too large): "partially imported".</summary>
    public string? PartialReason { get; init; }
    /// <summary>The delivered file (evidence) the item was read from, when it came in a file.</summary>
    public Guid? EvidenceFileId { get; init; }

    public IEnumerable<SourceIdentity> Participants => Recipients.Prepend(Sender);
}

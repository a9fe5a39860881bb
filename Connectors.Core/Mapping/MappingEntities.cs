namespace Connectors.Mapping;

/// <summary>
/// An organisation account (email/UPN). Each account has an archive mailbox; the directory is loaded
/// through the API or a CSV file (a Microsoft Graph directory source can feed the same table later).
/// </summary>
public sealed class DirectoryAccount
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>Lower-case email address or UPN.</summary>
    public required string Email { get; set; }
    public required string DisplayName { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A custom mapping of a connector's source identity to an account, checked before automatic mapping.
/// Validity dates matter because addresses and vendor ids get reused: an item maps by its sent time.
/// </summary>
public sealed class IdentityMapping
{
    public long Id { get; set; }
    public Guid ConnectorId { get; set; }
    public required string SourceId { get; set; }
    public Guid AccountId { get; set; }
    public DateTimeOffset? ValidFrom { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>An archived item that no mailbox could take yet; released when a mapping makes it placeable.</summary>
public sealed class QuarantinedItem
{
    public Guid ConnectorId { get; set; }
    public long ItemId { get; set; }
    public long RunId { get; set; }
    public DateTimeOffset QuarantinedAt { get; set; }
    public DateTimeOffset? ReleasedAt { get; set; }
    public long? ReleasedRunId { get; set; }
}

/// <summary>The worklist of identities a connector could not map.</summary>
public sealed class UnmappedIdentity
{
    public Guid ConnectorId { get; set; }
    public required string SourceId { get; set; }
    public string? DisplayName { get; set; }
    public string? Email { get; set; }
    public long ItemCount { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
}

/// <summary>What to do with an item none of whose people can be mapped.</summary>
public enum UnmappedPolicy
{
    /// <summary>Keep it out of every mailbox until a mapping is added (the default: never dropped).</summary>
    Quarantine,
    /// <summary>Place it in one designated catch-all mailbox.</summary>
    CatchAll,
    /// <summary>Do not place it anywhere (an explicit, audited choice; the item is counted as excluded).</summary>
    Drop,
}

public enum ScopeMode
{
    AllUsers,
    /// <summary>Only the listed accounts ("test with small scope first").</summary>
    Listed,
    /// <summary>Only custodians of an active legal hold.</summary>
    UsersOnHold,
}

/// <summary>How a connector maps people and which mailboxes it may fill.</summary>
public sealed record MappingSettings(
    string AutoMapBy = "email",
    ScopeMode Scope = ScopeMode.AllUsers,
    IReadOnlyList<string>? ScopeAccounts = null,
    UnmappedPolicy Unmapped = UnmappedPolicy.Quarantine,
    string? CatchAllAccount = null,
    string? StorageMailbox = null)
{
    /// <summary>
    /// Social connectors keep everything in one designated storage mailbox (as the reference product does):
    /// when set, every item is placed there, whoever wrote it, and nobody is listed as unmapped.
    /// </summary>
    public bool UsesStorageMailbox => !string.IsNullOrWhiteSpace(StorageMailbox);

    public static readonly MappingSettings Default = new();

    /// <summary>
    /// What the reference product maps by for each source: Bloomberg by <c>CorporateEmailAddress</c> (after the
    /// custom UUID mapping), everything else by the source's email address.
    /// </summary>
    public static MappingSettings DefaultFor(string type, string? settingsJson = null)
    {
        var defaults = Connectors.ConnectorTypes.Find(type)?.Id switch
        {
            Connectors.ConnectorTypes.InstantBloomberg or Connectors.ConnectorTypes.BloombergMessage => new MappingSettings("CorporateEmailAddress"),
            _ => Default,
        };
        // Social connectors name their storage mailbox in their settings; it becomes where every item goes.
        return settingsJson is not null && System.Text.Json.JsonDocument.Parse(settingsJson).RootElement is { ValueKind: System.Text.Json.JsonValueKind.Object } root
            && root.TryGetProperty("storageMailbox", out var storage) && storage.ValueKind == System.Text.Json.JsonValueKind.String
            ? defaults with { StorageMailbox = storage.GetString() }
            : defaults;
    }
}

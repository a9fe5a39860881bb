using System.ComponentModel;
using System.Text.Json;
using Connectors.Mapping;

namespace Connectors.Api.Mapping;

/// <summary>Audit actions of the directory and mapping APIs (Core's <c>AuditActions</c> holds the connector ones).</summary>
public static class MappingAuditActions
{
    public const string AccountChanged = "directory.account-changed";
    public const string DirectoryImported = "directory.imported";
    public const string MappingChanged = "mapping.changed";
    public const string MappingsImported = "mapping.imported";
    public const string SettingsChanged = "mapping.settings-changed";
}

public sealed record AccountDto(Guid Id, string Email, string DisplayName, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static AccountDto From(DirectoryAccount a) => new(a.Id, a.Email, a.DisplayName, a.Enabled, a.CreatedAt, a.UpdatedAt);
}

public sealed record UpsertAccountRequest(
    [property: Description("Email address or UPN; stored lower-case and used as the account's key.")] string? Email,
    string? DisplayName,
    [property: Description("Omit to keep the current value (new accounts are enabled).")] bool? Enabled = null);

/// <summary>A CSV row that was not imported. Rows count the header as row 1, as a spreadsheet shows them.</summary>
public sealed record RowFailureDto(int Row, string Column, string Reason);

public sealed record ImportResultDto(
    string FileName, string Sha256, int Rows, int Created, int Updated, int Unchanged, IReadOnlyList<RowFailureDto> Failed);

public sealed record MappingDto(
    long Id, string SourceId, string Account, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record CreateMappingRequest(
    [property: Description("The person's id at the source (Slack user id, Bloomberg UUID, address…); matched case-insensitively.")] string? SourceId,
    [property: Description("Email of a directory account.")] string? Account,
    [property: Description("Inclusive start of validity; omit for \"always\".")] DateTimeOffset? ValidFrom = null,
    [property: Description("Exclusive end of validity; omit for \"until further notice\".")] DateTimeOffset? ValidTo = null);

/// <summary>The connector's <see cref="MappingSettings"/>; enums as their names so errors can name the field.</summary>
public sealed record MappingSettingsRequest(
    [property: Description("Source property matched against directory emails; default \"email\".")] string? AutoMapBy = null,
    [property: Description("AllUsers (default) or Listed.")] string? Scope = null,
    [property: Description("The accounts a Listed scope covers.")] IReadOnlyList<string>? ScopeAccounts = null,
    [property: Description("Quarantine (default), CatchAll or Drop. Drop is audited as an explicit choice.")] string? Unmapped = null,
    [property: Description("The account that takes unmappable items when unmapped is CatchAll.")] string? CatchAllAccount = null);

public sealed record MappingSettingsDto(
    string AutoMapBy, ScopeMode Scope, IReadOnlyList<string> ScopeAccounts, UnmappedPolicy Unmapped, string? CatchAllAccount,
    [property: Description("Social connectors: every item is placed in this mailbox (set in the connector's settings).")] string? StorageMailbox = null)
{
    public static MappingSettingsDto From(MappingSettings s) =>
        new(s.AutoMapBy, s.Scope, s.ScopeAccounts ?? [], s.Unmapped, s.CatchAllAccount, s.StorageMailbox);
}

public sealed record UnmappedIdentityDto(
    string SourceId, string? DisplayName, string? Email, long ItemCount, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt)
{
    public static UnmappedIdentityDto From(UnmappedIdentity u) => new(u.SourceId, u.DisplayName, u.Email, u.ItemCount, u.FirstSeenAt, u.LastSeenAt);
}

public sealed record QuarantinedItemDto(long ItemId, string ItemKey, DateTimeOffset SentAt, JsonElement Sender, DateTimeOffset QuarantinedAt);

/// <summary>How many items wait for a mapping, and a page of them (oldest item first).</summary>
public sealed record QuarantineDto(long Pending, IReadOnlyList<QuarantinedItemDto> Items, string? Next);

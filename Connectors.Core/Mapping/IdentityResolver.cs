using System.Text.Json;
using System.Text.Json.Serialization;
using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Data;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Mapping;

/// <summary>Where one item goes: the mailboxes it is placed in, or why it is in none.</summary>
public sealed record Resolution(IReadOnlyList<Guid> Mailboxes, IReadOnlyList<SourceIdentity> Unmapped, ResolutionOutcome Outcome);

public enum ResolutionOutcome
{
    Placed,
    /// <summary>Nobody could be mapped: kept in the archive, in no mailbox, until a mapping is added.</summary>
    Quarantined,
    /// <summary>Out of the connector's scope, or dropped by an explicit policy: not archived by this connector.</summary>
    Excluded,
}

/// <summary>
/// Maps a connector's source identities to accounts: the custom mapping first (valid at the item's sent
/// time), then automatic mapping by the chosen property against the directory; then scope and the
/// unmapped-item policy decide the mailboxes. Loaded once per run.
/// </summary>
public sealed class IdentityResolver
{
    public static readonly JsonSerializerOptions SettingsJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly MappingSettings _settings;
    private readonly Dictionary<string, Guid> _accountsByEmail;
    private readonly ILookup<string, IdentityMapping> _custom;
    private readonly HashSet<Guid>? _scope;
    private readonly Guid? _catchAll;
    private readonly Guid? _storage;

    private IdentityResolver(MappingSettings settings, Dictionary<string, Guid> accountsByEmail, ILookup<string, IdentityMapping> custom,
        IEnumerable<Guid>? custodians = null)
    {
        _settings = settings;
        _accountsByEmail = accountsByEmail;
        _custom = custom;
        _scope = settings.Scope switch
        {
            ScopeMode.Listed => (settings.ScopeAccounts ?? []).Select(e => accountsByEmail.GetValueOrDefault(e.ToLowerInvariant())).Where(id => id != Guid.Empty).ToHashSet(),
            ScopeMode.UsersOnHold => (custodians ?? []).ToHashSet(),
            _ => null,
        };
        _catchAll = settings.CatchAllAccount is { } email && accountsByEmail.TryGetValue(email.ToLowerInvariant(), out var id) ? id : null;
        _storage = settings.StorageMailbox is { } storage && accountsByEmail.TryGetValue(storage.Trim().ToLowerInvariant(), out var sid) ? sid : null;
    }

    public MappingSettings Settings => _settings;

    /// <summary>A resolver over given directory entries and custom mappings (what <see cref="LoadAsync"/> reads).</summary>
    internal static IdentityResolver Create(MappingSettings settings, IReadOnlyDictionary<string, Guid> enabledAccountsByEmail,
        IEnumerable<IdentityMapping> custom, IEnumerable<Guid>? custodians = null) =>
        new(settings, new Dictionary<string, Guid>(enabledAccountsByEmail), custom.ToLookup(m => m.SourceId, StringComparer.OrdinalIgnoreCase), custodians);

    public static MappingSettings ReadSettings(Connector connector) =>
        JsonSerializer.Deserialize<MappingSettings>(connector.Mapping, SettingsJson) ?? MappingSettings.Default;

    public static async Task<IdentityResolver> LoadAsync(ConnectorsDbContext db, Connector connector, CancellationToken cancellationToken)
    {
        var settings = ReadSettings(connector);
        // Disabled accounts still have archive mailboxes (people who left), so custom mappings to them hold;
        // automatic mapping only considers enabled accounts.
        var accounts = await db.Accounts.AsNoTracking().Select(a => new { a.Email, a.Id, a.Enabled }).ToListAsync(cancellationToken);
        var custom = await db.Mappings.AsNoTracking().Where(m => m.ConnectorId == connector.Id).ToListAsync(cancellationToken);
        var custodians = settings.Scope == ScopeMode.UsersOnHold ? await Governance.Holds.Holds.CustodiansAsync(db, cancellationToken) : null;
        return Create(settings, accounts.Where(a => a.Enabled).ToDictionary(a => a.Email, a => a.Id), custom, custodians);
    }

    /// <summary>Whether the connector's scope includes the account.</summary>
    public bool InScope(Guid account) => _scope is null || _scope.Contains(account);

    /// <summary>The account a person maps to at <paramref name="at"/>, if any.</summary>
    public Guid? Map(SourceIdentity identity, DateTimeOffset at)
    {
        foreach (var mapping in _custom[identity.SourceId])
        {
            if ((mapping.ValidFrom is null || mapping.ValidFrom <= at) && (mapping.ValidTo is null || at < mapping.ValidTo))
            {
                return mapping.AccountId;
            }
        }
        var value = identity.Property(_settings.AutoMapBy);
        return value is not null && _accountsByEmail.TryGetValue(value.Trim().ToLowerInvariant(), out var id) ? id : null;
    }

    public Resolution Resolve(SourceItem item)
    {
        if (_settings.UsesStorageMailbox)
        {
            return InStorage();
        }
        var mapped = new List<Guid>();
        var unmapped = new List<SourceIdentity>();
        foreach (var person in item.Participants.DistinctBy(p => p.SourceId))
        {
            if (Map(person, item.SentAt) is { } account)
            {
                if (!mapped.Contains(account))
                {
                    mapped.Add(account);
                }
            }
            else
            {
                unmapped.Add(person);
            }
        }
        return Place(mapped, unmapped);
    }

    /// <summary>
    /// Where a social connector's item goes: its storage mailbox. One missing from the directory must not lose
    /// the item: it waits in quarantine until the account exists.
    /// </summary>
    public Resolution InStorage() => _storage is { } storage
        ? new Resolution([storage], [], ResolutionOutcome.Placed)
        : new Resolution([], [], ResolutionOutcome.Quarantined);

    /// <summary>Applies scope and the unmapped policy to the accounts an item's people map to.</summary>
    public Resolution Place(List<Guid> mapped, IReadOnlyList<SourceIdentity> unmapped)
    {
        if (_scope is not null)
        {
            var inScope = mapped.Where(_scope.Contains).ToList();
            if (mapped.Count > 0 && inScope.Count == 0)
            {
                return new Resolution([], unmapped, ResolutionOutcome.Excluded);
            }
            mapped = inScope;
        }
        if (mapped.Count > 0)
        {
            return new Resolution(mapped, unmapped, ResolutionOutcome.Placed);
        }
        return _settings.Unmapped switch
        {
            UnmappedPolicy.CatchAll when _catchAll is { } catchAll => new Resolution([catchAll], unmapped, ResolutionOutcome.Placed),
            UnmappedPolicy.Drop => new Resolution([], unmapped, ResolutionOutcome.Excluded),
            // A catch-all that is not in the directory (yet) must not lose the item: quarantine it.
            _ => new Resolution([], unmapped, ResolutionOutcome.Quarantined),
        };
    }
}

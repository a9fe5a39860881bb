using System.Security.Cryptography;
using System.Text.Json;
using Connectors.Api.Connectors;
using Connectors.Audit;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Mapping;
using Connectors.Runs;
using Connectors.Security;
using Connectors.Sources.Hr;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace Connectors.Api.Mapping;

/// <summary>
/// How one connector maps its people: custom mappings (with validity dates), the automatic mapping
/// property, scope and what happens to items nobody can be mapped for; plus the worklist of unmapped
/// identities and the items waiting for them. Every change asks for a run, whose first step releases
/// the quarantined items that now map.
/// </summary>
public static class MappingApi
{
    public const long MaxUploadBytes = 32L * 1024 * 1024;

    public const string SourceIdColumn = "SourceId";
    public const string AccountColumn = "Account";
    public const string ValidFromColumn = "ValidFrom";
    public const string ValidToColumn = "ValidTo";

    public static IEndpointRouteBuilder MapMappingApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/compliance/connectors/{id:guid}").WithTags("Mapping").RequireAuthorization(Policies.View);
        group.MapGet("/mappings", ListMappings);
        group.MapGet("/mappings/{mappingId:long}", GetMapping);
        group.MapPost("/mappings", CreateMapping).RequireAuthorization(Policies.Configure);
        group.MapDelete("/mappings/{mappingId:long}", DeleteMapping).RequireAuthorization(Policies.Configure);
        group.MapPost("/mappings/import", ImportMappings)
            .RequireAuthorization(Policies.Configure)
            .AcceptsUpload(MaxUploadBytes);
        group.MapGet("/mapping-settings", GetSettings);
        group.MapPut("/mapping-settings", UpdateSettings).RequireAuthorization(Policies.Configure);
        group.MapGet("/unmapped", ListUnmapped);
        group.MapGet("/quarantine", GetQuarantine);
        return app;
    }

    public static async Task<Results<Ok<Page<MappingDto>>, ProblemHttpResult, ValidationProblem>> ListMappings(
        Guid id, ConnectorsDbContext db, int? limit, long? after, CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        if (!await ExistsAsync(db, id, ct))
        {
            return Problems.ConnectorNotFound(id);
        }
        var take = limit ?? 50;
        var query = db.Mappings.AsNoTracking().Where(m => m.ConnectorId == id);
        if (after is { } cursor)
        {
            query = query.Where(m => m.Id > cursor);
        }
        var mappings = await WithAccounts(db, query.OrderBy(m => m.Id).Take(take + 1)).ToListAsync(ct);
        var next = mappings.Count > take ? mappings[take - 1].Id.ToString() : null;
        return TypedResults.Ok(new Page<MappingDto>(mappings.Take(take).ToList(), next));
    }

    public static async Task<Results<Ok<MappingDto>, ProblemHttpResult>> GetMapping(Guid id, long mappingId, ConnectorsDbContext db, CancellationToken ct)
    {
        if (!await ExistsAsync(db, id, ct))
        {
            return Problems.ConnectorNotFound(id);
        }
        return await WithAccounts(db, db.Mappings.AsNoTracking().Where(m => m.Id == mappingId && m.ConnectorId == id)).FirstOrDefaultAsync(ct) is { } mapping
            ? TypedResults.Ok(mapping)
            : Problems.NotFound($"Mapping {mappingId} of connector {id} does not exist.");
    }

    /// <summary>Maps a source identity to a directory account; validity periods of one source id may not overlap.</summary>
    public static async Task<Results<Created<MappingDto>, ValidationProblem, ProblemHttpResult>> CreateMapping(
        Guid id, CreateMappingRequest request, ConnectorsDbContext db, IConnectionMultiplexer redis, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var sourceId = request.SourceId?.Trim();
        if (string.IsNullOrEmpty(sourceId) || sourceId.Length > 500)
        {
            errors["sourceId"] = ["A source id of 1 to 500 characters is required."];
        }
        var email = DirectoryApi.NormalizeEmail(request.Account, out var accountError);
        if (accountError is not null)
        {
            errors["account"] = [accountError];
        }
        var (validFrom, validTo) = (request.ValidFrom?.ToUniversalTime(), request.ValidTo?.ToUniversalTime());
        if (validFrom >= validTo)
        {
            errors["validTo"] = ["validTo must be after validFrom."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await LockAsync(db, id, ct) is not { } connector)
        {
            return Problems.ConnectorNotFound(id);
        }
        var accountId = await db.Accounts.Where(a => a.Email == email).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        if (accountId is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["account"] = [$"The directory has no account '{email}'. Add it to the directory first."],
            });
        }
        var existing = await MappingsOfAsync(db, id, [sourceId!], ct);
        if (existing.FirstOrDefault(m => Overlaps(m.ValidFrom, m.ValidTo, validFrom, validTo)) is { } clash)
        {
            return Problems.Conflict($"Mapping {clash.Id} already maps '{clash.SourceId}' {Period(clash.ValidFrom, clash.ValidTo)}; "
                + "validity periods of one source id may not overlap. End that mapping or choose another period.");
        }

        var now = clock.GetUtcNow();
        var actor = http.Actor();
        var mapping = new IdentityMapping
        {
            ConnectorId = id, SourceId = sourceId!, AccountId = accountId.Value, ValidFrom = validFrom, ValidTo = validTo,
            CreatedAt = now, CreatedBy = actor.Name,
        };
        db.Mappings.Add(mapping);
        // Saved first for its identity id, which the audit record names; the transaction keeps both one change.
        await db.SaveChangesAsync(ct);
        RequestRun(connector, now);
        db.Record(actor, MappingAuditActions.MappingChanged, "connector", id.ToString(),
            new { change = "added", mappingId = mapping.Id, mapping.SourceId, account = email, validFrom, validTo });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await ConnectorsApi.WakeWorkersAsync(redis);
        return TypedResults.Created($"/api/compliance/connectors/{id}/mappings/{mapping.Id}",
            new MappingDto(mapping.Id, mapping.SourceId, email!, validFrom, validTo, now, actor.Name));
    }

    /// <summary>Items already placed stay where they are; the mapping no longer applies to new items.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteMapping(
        Guid id, long mappingId, ConnectorsDbContext db, IConnectionMultiplexer redis, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await LockAsync(db, id, ct) is not { } connector)
        {
            return Problems.ConnectorNotFound(id);
        }
        var mapping = await db.Mappings.FirstOrDefaultAsync(m => m.Id == mappingId && m.ConnectorId == id, ct);
        if (mapping is null)
        {
            return Problems.NotFound($"Mapping {mappingId} of connector {id} does not exist.");
        }
        var email = await db.Accounts.Where(a => a.Id == mapping.AccountId).Select(a => a.Email).FirstAsync(ct);
        db.Mappings.Remove(mapping);
        RequestRun(connector, clock.GetUtcNow());
        db.Record(http.Actor(), MappingAuditActions.MappingChanged, "connector", id.ToString(),
            new { change = "removed", mappingId, mapping.SourceId, account = email, mapping.ValidFrom, mapping.ValidTo });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await ConnectorsApi.WakeWorkersAsync(redis);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Adds the mappings of a CSV (SourceId, Account, optional ValidFrom/ValidTo in ISO 8601) in one
    /// transaction. A row identical to an existing mapping is unchanged, so a file can be loaded again;
    /// rows that fail are reported by row number and the others are still added.
    /// </summary>
    public static async Task<Results<Ok<ImportResultDto>, ValidationProblem, ProblemHttpResult>> ImportMappings(
        Guid id, IFormFile? file, ConnectorsDbContext db, IConnectionMultiplexer redis, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (!await ExistsAsync(db, id, ct))
        {
            return Problems.ConnectorNotFound(id);
        }
        if (file is null || file.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Send the CSV as the multipart field 'file'."] });
        }
        var content = await DirectoryApi.ReadAsync(file, MaxUploadBytes, ct);
        var (rows, failed, problem) = MappingCsv.Read(content, [SourceIdColumn, AccountColumn], [ValidFromColumn, ValidToColumn]);
        if (problem is not null)
        {
            return problem.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Problems.Field(problem.StatusCode, "Too many rows", problem.Field, problem.Message)
                : TypedResults.ValidationProblem(new Dictionary<string, string[]> { [problem.Field] = [problem.Message] });
        }
        var failures = failed.ToList();
        var parsed = new List<(int Row, string SourceId, string Email, DateTimeOffset? From, DateTimeOffset? To)>();
        foreach (var row in rows)
        {
            if (ReadMappingRow(row, out var mapping) is { } failure)
            {
                failures.Add(failure);
            }
            else
            {
                parsed.Add(mapping);
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await LockAsync(db, id, ct) is not { } connector)
        {
            return Problems.ConnectorNotFound(id);
        }
        var emails = parsed.Select(p => p.Email).Distinct().ToArray();
        var accounts = await db.Accounts.AsNoTracking().Where(a => EF.Parameter(emails).Contains(a.Email))
            .ToDictionaryAsync(a => a.Email, a => a.Id, ct);
        // Loaded once: overlaps are checked against the stored mappings and the rows accepted before.
        var known = (await MappingsOfAsync(db, id, parsed.Select(p => p.SourceId).Distinct().ToArray(), ct))
            .ToLookup(m => m.SourceId, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        var now = clock.GetUtcNow();
        var actor = http.Actor();
        var added = new List<IdentityMapping>();
        var unchanged = 0;
        foreach (var (row, sourceId, email, from, to) in parsed)
        {
            if (!accounts.TryGetValue(email, out var accountId))
            {
                failures.Add(new RowFailureDto(row, AccountColumn, $"The directory has no account '{email}'."));
                continue;
            }
            var same = known.GetValueOrDefault(sourceId) ?? [];
            if (same.Any(m => m.AccountId == accountId && m.ValidFrom == from && m.ValidTo == to))
            {
                unchanged++;
                continue;
            }
            if (same.FirstOrDefault(m => Overlaps(m.ValidFrom, m.ValidTo, from, to)) is { } clash)
            {
                failures.Add(new RowFailureDto(row, SourceIdColumn, clash.Id == 0
                    ? $"'{sourceId}' overlaps an earlier row of this file ({Period(clash.ValidFrom, clash.ValidTo)})."
                    : $"'{sourceId}' overlaps mapping {clash.Id} ({Period(clash.ValidFrom, clash.ValidTo)})."));
                continue;
            }
            var mapping = new IdentityMapping
            {
                ConnectorId = id, SourceId = sourceId, AccountId = accountId, ValidFrom = from, ValidTo = to, CreatedAt = now, CreatedBy = actor.Name,
            };
            added.Add(mapping);
            known[sourceId] = [.. same, mapping];
        }

        var fileName = Path.GetFileName(file.FileName) is { Length: > 0 } name ? name[..Math.Min(name.Length, 500)] : "mappings.csv";
        var result = new ImportResultDto(fileName, Convert.ToHexStringLower(SHA256.HashData(content)), rows.Count + failed.Count,
            added.Count, 0, unchanged, failures.OrderBy(f => f.Row).ToList());
        db.Mappings.AddRange(added);
        if (added.Count > 0)
        {
            RequestRun(connector, now);
        }
        db.Record(actor, MappingAuditActions.MappingsImported, "connector", id.ToString(),
            new { result.FileName, result.Sha256, result.Rows, result.Created, result.Unchanged, failed = failures.Count });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (added.Count > 0)
        {
            await ConnectorsApi.WakeWorkersAsync(redis);
        }
        return TypedResults.Ok(result);
    }

    public static async Task<Results<Ok<MappingSettingsDto>, ProblemHttpResult>> GetSettings(Guid id, ConnectorsDbContext db, CancellationToken ct) =>
        await db.Connectors.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct) is { } connector
            ? TypedResults.Ok(MappingSettingsDto.From(IdentityResolver.ReadSettings(connector)))
            : Problems.ConnectorNotFound(id);

    /// <summary>Replaces the settings; omitted fields take their defaults. Accounts named must be in the directory.</summary>
    public static async Task<Results<Ok<MappingSettingsDto>, ValidationProblem, ProblemHttpResult>> UpdateSettings(
        Guid id, MappingSettingsRequest request, ConnectorsDbContext db, IConnectionMultiplexer redis, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var connector = await db.Connectors.FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct);
        if (connector is null)
        {
            return Problems.ConnectorNotFound(id);
        }
        var (settings, errors) = await ValidateSettingsAsync(request, db, ct);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var previous = IdentityResolver.ReadSettings(connector);
        // The storage mailbox of a social connector is part of its connector settings, not of this request.
        settings = settings with { StorageMailbox = previous.StorageMailbox };
        var json = JsonSerializer.Serialize(settings, IdentityResolver.SettingsJson);
        if (json != JsonSerializer.Serialize(previous, IdentityResolver.SettingsJson))
        {
            var now = clock.GetUtcNow();
            connector.Mapping = json;
            connector.UpdatedAt = now;
            RequestRun(connector, now);
            // Dropping unmappable items means they are never archived by this connector: an explicit, audited choice.
            db.Record(http.Actor(), MappingAuditActions.SettingsChanged, "connector", id.ToString(), new
            {
                settings.AutoMapBy, scope = settings.Scope.ToString(), scopeAccounts = settings.ScopeAccounts?.Count ?? 0,
                unmapped = settings.Unmapped.ToString(), settings.CatchAllAccount, previousUnmapped = previous.Unmapped.ToString(),
                dropUnmapped = settings.Unmapped == UnmappedPolicy.Drop,
            });
            await db.SaveChangesAsync(ct);
            await ConnectorsApi.WakeWorkersAsync(redis);
        }
        return TypedResults.Ok(MappingSettingsDto.From(settings));
    }

    /// <summary>The worklist: the identities with the most waiting items first. <c>after</c> is the <c>next</c> of the previous page.</summary>
    public static async Task<Results<Ok<Page<UnmappedIdentityDto>>, ProblemHttpResult, ValidationProblem>> ListUnmapped(
        Guid id, ConnectorsDbContext db, int? limit, string? after, CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        if (!await ExistsAsync(db, id, ct))
        {
            return Problems.ConnectorNotFound(id);
        }
        var take = limit ?? 50;
        var query = db.UnmappedIdentities.AsNoTracking().Where(u => u.ConnectorId == id);
        if (after is not null)
        {
            // "itemCount:sourceId"; the source id may itself contain colons.
            var separator = after.IndexOf(':');
            if (separator < 1 || !long.TryParse(after.AsSpan(0, separator), out var count))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["after"] = ["Pass the 'next' value of the previous page."] });
            }
            var sourceId = after[(separator + 1)..];
            query = query.Where(u => u.ItemCount < count || (u.ItemCount == count && u.SourceId.CompareTo(sourceId) > 0));
        }
        var identities = await query.OrderByDescending(u => u.ItemCount).ThenBy(u => u.SourceId).Take(take + 1).ToListAsync(ct);
        var next = identities.Count > take ? $"{identities[take - 1].ItemCount}:{identities[take - 1].SourceId}" : null;
        return TypedResults.Ok(new Page<UnmappedIdentityDto>(identities.Take(take).Select(UnmappedIdentityDto.From).ToList(), next));
    }

    /// <summary>Items no mailbox could take yet, oldest first; <c>after</c> is an item id.</summary>
    public static async Task<Results<Ok<QuarantineDto>, ProblemHttpResult, ValidationProblem>> GetQuarantine(
        Guid id, ConnectorsDbContext db, int? limit, long? after, CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        if (!await ExistsAsync(db, id, ct))
        {
            return Problems.ConnectorNotFound(id);
        }
        var take = limit ?? 50;
        var pending = db.Quarantine.AsNoTracking().Where(q => q.ConnectorId == id && q.ReleasedAt == null);
        var count = await pending.LongCountAsync(ct);
        var page = after is { } cursor ? pending.Where(q => q.ItemId > cursor) : pending;
        var items = await page.OrderBy(q => q.ItemId).Take(take + 1)
            .Join(db.Items, q => q.ItemId, i => i.Id, (q, i) => new { i.Id, i.ItemKey, i.SentAt, i.Sender, q.QuarantinedAt })
            .ToListAsync(ct);
        var next = items.Count > take ? items[take - 1].Id.ToString() : null;
        return TypedResults.Ok(new QuarantineDto(count, items.Take(take)
            .Select(i => new QuarantinedItemDto(i.Id, i.ItemKey, i.SentAt, JsonDocument.Parse(i.Sender).RootElement.Clone(), i.QuarantinedAt))
            .ToList(), next));
    }

    /// <summary>Asks for a run soon; a run already requested (e.g. by an upload) keeps its trigger.</summary>
    private static void RequestRun(Connector connector, DateTimeOffset now)
    {
        connector.RunRequestedAt = now;
        connector.RequestedTrigger ??= RunTrigger.Manual;
    }

    private static Task<bool> ExistsAsync(ConnectorsDbContext db, Guid id, CancellationToken ct) =>
        db.Connectors.AnyAsync(c => c.Id == id && c.DeletedAt == null, ct);

    /// <summary>Locks the connector row for the transaction, so mapping changes of one connector are checked one at a time.</summary>
    private static async Task<Connector?> LockAsync(ConnectorsDbContext db, Guid id, CancellationToken ct) =>
        await db.Connectors.FromSql($"SELECT * FROM connectors WHERE id = {id} AND deleted_at IS NULL FOR UPDATE").ToListAsync(ct) is [var connector]
            ? connector
            : null;

    /// <summary>The connector's mappings of these source ids, compared case-insensitively as the resolver does.</summary>
    private static Task<List<IdentityMapping>> MappingsOfAsync(ConnectorsDbContext db, Guid id, string[] sourceIds, CancellationToken ct)
    {
        var lowered = sourceIds.Select(s => s.ToLowerInvariant()).ToArray();
        return db.Mappings.AsNoTracking().Where(m => m.ConnectorId == id && EF.Parameter(lowered).Contains(m.SourceId.ToLower())).ToListAsync(ct);
    }

    private static IQueryable<MappingDto> WithAccounts(ConnectorsDbContext db, IQueryable<IdentityMapping> mappings) =>
        mappings.Join(db.Accounts, m => m.AccountId, a => a.Id,
            (m, a) => new MappingDto(m.Id, m.SourceId, a.Email, m.ValidFrom, m.ValidTo, m.CreatedAt, m.CreatedBy));

    /// <summary>Half-open periods [from, to); a missing end is open.</summary>
    private static bool Overlaps(DateTimeOffset? from1, DateTimeOffset? to1, DateTimeOffset? from2, DateTimeOffset? to2) =>
        (from1 is null || to2 is null || from1 < to2) && (from2 is null || to1 is null || from2 < to1);

    private static string Period(DateTimeOffset? from, DateTimeOffset? to) =>
        (from, to) switch
        {
            (null, null) => "at all times",
            (null, { } end) => $"until {end:O}",
            ({ } start, null) => $"from {start:O}",
            ({ } start, { } end) => $"from {start:O} until {end:O}",
        };

    private static RowFailureDto? ReadMappingRow(CsvRow row, out (int Row, string SourceId, string Email, DateTimeOffset? From, DateTimeOffset? To) mapping)
    {
        mapping = default;
        var sourceId = row[SourceIdColumn];
        if (sourceId.Length is 0 or > 500)
        {
            return new RowFailureDto(row.Number, SourceIdColumn, $"{SourceIdColumn} must have 1 to 500 characters.");
        }
        var email = DirectoryApi.NormalizeEmail(row[AccountColumn], out var accountError);
        if (accountError is not null)
        {
            return new RowFailureDto(row.Number, AccountColumn, accountError);
        }
        var dates = new Dictionary<string, DateTimeOffset>();
        foreach (var column in new[] { ValidFromColumn, ValidToColumn })
        {
            if (row[column] is not { Length: > 0 } text)
            {
                continue;
            }
            if (!HrCsv.TryParseDate(text, out var date, out var error))
            {
                return new RowFailureDto(row.Number, column, $"{column} {error}");
            }
            dates[column] = date!.Utc;
        }
        DateTimeOffset? from = dates.TryGetValue(ValidFromColumn, out var start) ? start : null;
        DateTimeOffset? to = dates.TryGetValue(ValidToColumn, out var end) ? end : null;
        if (from >= to)
        {
            return new RowFailureDto(row.Number, ValidToColumn, $"{ValidToColumn} must be after {ValidFromColumn}.");
        }
        mapping = (row.Number, sourceId, email!, from, to);
        return null;
    }

    private static async Task<(MappingSettings Settings, Dictionary<string, string[]> Errors)> ValidateSettingsAsync(
        MappingSettingsRequest request, ConnectorsDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var autoMapBy = request.AutoMapBy?.Trim() ?? MappingSettings.Default.AutoMapBy;
        if (autoMapBy.Length is 0 or > 100)
        {
            errors["autoMapBy"] = ["autoMapBy names the source property matched against directory emails (1 to 100 characters), e.g. \"email\"."];
        }
        var scope = ParseEnum(request.Scope, MappingSettings.Default.Scope, "scope", errors);
        var unmapped = ParseEnum(request.Unmapped, MappingSettings.Default.Unmapped, "unmapped", errors);

        var scopeAccounts = new List<string>();
        foreach (var entry in request.ScopeAccounts ?? [])
        {
            if (DirectoryApi.NormalizeEmail(entry, out var error) is { } email)
            {
                if (!scopeAccounts.Contains(email))
                {
                    scopeAccounts.Add(email);
                }
            }
            else
            {
                errors["scopeAccounts"] = [error!];
            }
        }
        if (scope == ScopeMode.Listed && scopeAccounts.Count == 0 && !errors.ContainsKey("scopeAccounts"))
        {
            errors["scopeAccounts"] = ["A Listed scope needs at least one account."];
        }
        else if (scope != ScopeMode.Listed && scopeAccounts.Count > 0)
        {
            errors["scopeAccounts"] = ["scopeAccounts only apply to a Listed scope; send scope \"Listed\" or leave them out."];
        }

        string? catchAll = null;
        if (unmapped == UnmappedPolicy.CatchAll)
        {
            catchAll = DirectoryApi.NormalizeEmail(request.CatchAllAccount, out var error);
            if (error is not null)
            {
                errors["catchAllAccount"] = [$"A CatchAll policy needs the catch-all account: {error}"];
            }
        }
        else if (!string.IsNullOrWhiteSpace(request.CatchAllAccount))
        {
            errors["catchAllAccount"] = ["catchAllAccount only applies when unmapped is \"CatchAll\"."];
        }

        var named = (catchAll is null ? scopeAccounts : scopeAccounts.Append(catchAll)).Distinct().ToArray();
        if (named.Length > 0 && !errors.ContainsKey("scopeAccounts") && !errors.ContainsKey("catchAllAccount"))
        {
            var found = await db.Accounts.Where(a => EF.Parameter(named).Contains(a.Email)).Select(a => a.Email).ToListAsync(ct);
            if (scopeAccounts.Except(found).ToList() is { Count: > 0 } unknown)
            {
                errors["scopeAccounts"] = [$"The directory has no account '{string.Join("', '", unknown)}'."];
            }
            if (catchAll is not null && !found.Contains(catchAll))
            {
                errors["catchAllAccount"] = [$"The directory has no account '{catchAll}'."];
            }
        }
        return (new MappingSettings(autoMapBy, scope, scope == ScopeMode.Listed ? scopeAccounts : null, unmapped, catchAll), errors);
    }

    /// <summary>Enum names only (case-insensitive): numbers would silently pick a member.</summary>
    private static T ParseEnum<T>(string? text, T fallback, string field, Dictionary<string, string[]> errors) where T : struct, Enum
    {
        if (text is null)
        {
            return fallback;
        }
        if (Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name)
        {
            return Enum.Parse<T>(name);
        }
        errors[field] = [$"'{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}."];
        return fallback;
    }
}

using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Connectors.Api.Connectors;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Governance;
using Connectors.Governance.Dlp;
using Connectors.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Api.Governance;

public sealed record DlpTypeDto(
    [property: Description("What policies name it by: a built-in id (credit-card) or custom:<name>.")] string Id,
    string Name, bool IsCustom, IReadOnlyList<string> Keywords, string? Pattern, DlpConfidence Confidence, DlpConfidence ConfidenceWithKeyword,
    DateTimeOffset? CreatedAt, string? CreatedBy)
{
    public static DlpTypeDto From(SensitiveInfoType t) => new(t.Id, t.Name, false, t.Keywords, null, t.Confidence, t.ConfidenceWithKeyword, null, null);

    public static DlpTypeDto From(DlpCustomType t) =>
        new(t.TypeId, t.Name, true, t.Keywords, t.Pattern, DlpConfidence.Medium, DlpConfidence.High, t.CreatedAt, t.CreatedBy);
}

public sealed record CreateDlpTypeRequest(
    [property: Description("1 to 100 characters; the type's id becomes custom:<name>.")] string? Name,
    [property: Description(".NET regular expression, matched case-insensitively without backtracking: no backreferences, lookarounds or atomic groups.")] string? Pattern,
    [property: Description("Words or phrases that raise a nearby match from Medium to High confidence.")] IReadOnlyList<string>? Keywords = null);

public sealed record DlpPolicyDto(Guid Id, string Name, bool Enabled, IReadOnlyList<string> InfoTypes, IReadOnlyList<Guid> ConnectorIds,
    IReadOnlyList<string> SourceTypes, int MinimumCount, DlpConfidence MinimumConfidence, DlpAction Action, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset UpdatedAt)
{
    public static DlpPolicyDto From(DlpPolicy p) => new(p.Id, p.Name, p.Enabled, p.InfoTypes, p.ConnectorIds, p.SourceTypes, p.MinimumCount,
        p.MinimumConfidence, p.Action, p.CreatedAt, p.CreatedBy, p.UpdatedAt);
}

public sealed record CreateDlpPolicyRequest(
    [property: Description("Unique name, 1 to 200 characters.")] string? Name,
    [property: Description("Sensitive information type ids, see GET /api/compliance/dlp/types. At least one.")] IReadOnlyList<string>? InfoTypes,
    [property: Description("Connectors in scope; empty or omitted: every connector.")] IReadOnlyList<Guid>? ConnectorIds = null,
    [property: Description("Source types in scope; empty or omitted: every type.")] IReadOnlyList<string>? SourceTypes = null,
    [property: Description("Matches of one type an item needs before it counts: 1 to 1,000. Default 1.")] int? MinimumCount = null,
    [property: Description("Low, Medium (default) or High.")] string? MinimumConfidence = null,
    [property: Description("Flag (default: recorded and listed) or Alert (also raises an alert, values masked).")] string? Action = null,
    bool? Enabled = null);

/// <summary>Fields left out (null) keep their value; an empty list clears a scope.</summary>
public sealed record UpdateDlpPolicyRequest(string? Name = null, IReadOnlyList<string>? InfoTypes = null, IReadOnlyList<Guid>? ConnectorIds = null,
    IReadOnlyList<string>? SourceTypes = null, int? MinimumCount = null, string? MinimumConfidence = null, string? Action = null, bool? Enabled = null);

/// <summary>Where one match is. The value is always masked.</summary>
public sealed record DlpLocationDto(string Location, int Offset, int Length, string MaskedValue, DlpConfidence Confidence);

public sealed record DlpMatchDto(long Id, long ItemId, string? ItemKey, DateTimeOffset? SentAt, string? SourceType, Guid PolicyId, string? PolicyName,
    string InfoType, int Count, DlpConfidence Confidence, IReadOnlyList<DlpLocationDto> Locations, Guid ConnectorId, long? RunId,
    DateTimeOffset DetectedAt);

/// <summary>A re-run of a DLP or supervision policy over what is already archived.</summary>
public sealed record PolicyEvaluationDto(long Id, PolicyKind Kind, Guid PolicyId, EvaluationStatus Status, string RequestedBy, DateTimeOffset RequestedAt,
    long ItemsScanned, long ItemsMatched, DateTimeOffset? FinishedAt, string? Error)
{
    public static PolicyEvaluationDto From(PolicyEvaluation e) =>
        new(e.Id, e.Kind, e.PolicyId, e.Status, e.RequestedBy, e.RequestedAt, e.ItemsScanned, e.ItemsMatched, e.FinishedAt, e.Error);
}

/// <summary>Sensitive information types, DLP policies, on-demand evaluation and the (masked) matches.</summary>
public static class DlpApi
{
    public const int MaxKeywords = 200;
    public const int MaxKeywordLength = 100;
    public const int MaxMinimumCount = 1000;

    private static readonly JsonSerializerOptions LocationJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static IEndpointRouteBuilder MapDlpApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/compliance/dlp").WithTags("Data loss prevention").RequireAuthorization(Policies.Configure);
        group.MapGet("/types", ListTypes);
        group.MapGet("/types/{id}", GetInfoType);
        group.MapPost("/types", CreateType);
        group.MapDelete("/types/{id}", DeleteType)
            .WithDescription("Deletes a custom type (by its id custom:<name>, or its name). Built-in types, and types a policy uses, cannot be deleted (409).");
        group.MapGet("/policies", ListPolicies);
        group.MapGet("/policies/{id:guid}", GetPolicy);
        group.MapPost("/policies", CreatePolicy);
        group.MapPut("/policies/{id:guid}", UpdatePolicy);
        group.MapPost("/policies/{id:guid}/evaluate", Evaluate)
            .WithDescription("Queues a re-run of the policy over everything archived; follow it at the Location returned.");
        group.MapGet("/matches", ListMatches)
            .WithDescription("Matches newest first; values are masked. Filter by policyId, connectorId or infoType; page with before.");
        return app;
    }

    public static async Task<Ok<List<DlpTypeDto>>> ListTypes(ConnectorsDbContext db, CancellationToken ct)
    {
        var custom = await db.DlpCustomTypes.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        return TypedResults.Ok(BuiltInSensitiveInfoTypes.All.Select(DlpTypeDto.From).Concat(custom.Select(DlpTypeDto.From)).ToList());
    }

    public static async Task<Results<Ok<DlpTypeDto>, ProblemHttpResult>> GetInfoType(string id, ConnectorsDbContext db, CancellationToken ct)
    {
        if (BuiltInSensitiveInfoTypes.Find(id) is { } builtIn)
        {
            return TypedResults.Ok(DlpTypeDto.From(builtIn));
        }
        return await FindCustomAsync(db, id, ct) is { } custom ? TypedResults.Ok(DlpTypeDto.From(custom)) : TypeNotFound(id);
    }

    public static async Task<Results<Created<DlpTypeDto>, ValidationProblem, ProblemHttpResult>> CreateType(CreateDlpTypeRequest request,
        ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = GovernanceValidation.Name(request.Name, errors, maxLength: SensitiveInfoType.MaxNameLength);
        if (name is not null && (name.Contains(':') || name.Contains('/')))
        {
            errors["name"] = ["A type name cannot contain ':' or '/'."];
        }
        if (!SensitiveInfoType.TryValidatePattern(request.Pattern ?? "", out var patternError))
        {
            errors["pattern"] = [patternError!];
        }
        var keywords = Keywords(request.Keywords, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var lower = name!.ToLowerInvariant();
        if (await db.DlpCustomTypes.AnyAsync(t => t.Name.ToLower() == lower, ct))
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Conflict", "name", TypeConflictText(name));
        }
        var type = new DlpCustomType { Name = name, Pattern = request.Pattern!, Keywords = keywords, CreatedAt = clock.GetUtcNow(), CreatedBy = http.Actor().Name };
        db.DlpCustomTypes.Add(type);
        db.Record(http.Actor(), AuditActions.DlpTypeChanged, "dlp-type", type.TypeId,
            new { change = "created", type.Name, type.Pattern, type.Keywords }, clock);
        if (await GovernanceValidation.SaveAsync(db, TypeConflictText(name), ct) is { } conflict)
        {
            return conflict;
        }
        return TypedResults.Created($"/api/compliance/dlp/types/{Uri.EscapeDataString(type.TypeId)}", DlpTypeDto.From(type));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteType(string id, ConnectorsDbContext db, TimeProvider clock, HttpContext http,
        CancellationToken ct)
    {
        if (BuiltInSensitiveInfoTypes.Find(id) is { } builtIn)
        {
            return Problems.Conflict($"{builtIn.Name} is a built-in type; built-in types cannot be deleted.");
        }
        var type = await FindCustomAsync(db, id, ct, tracked: true);
        if (type is null)
        {
            return TypeNotFound(id);
        }
        var users = (await db.DlpPolicies.AsNoTracking().Select(p => new { p.Name, p.InfoTypes }).ToListAsync(ct))
            .Where(p => p.InfoTypes.Contains(type.TypeId, StringComparer.OrdinalIgnoreCase)).Select(p => p.Name).Order().ToList();
        if (users.Count > 0)
        {
            return Problems.Conflict($"{type.TypeId} is used by the DLP policies {string.Join(", ", users)}; remove it from them first.");
        }
        db.DlpCustomTypes.Remove(type);
        db.Record(http.Actor(), AuditActions.DlpTypeChanged, "dlp-type", type.TypeId, new { change = "deleted", type.Name, type.Pattern, type.Keywords }, clock);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<List<DlpPolicyDto>>> ListPolicies(ConnectorsDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.DlpPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct)).Select(DlpPolicyDto.From).ToList());

    public static async Task<Results<Ok<DlpPolicyDto>, ProblemHttpResult>> GetPolicy(Guid id, ConnectorsDbContext db, CancellationToken ct) =>
        await db.DlpPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is { } policy
            ? TypedResults.Ok(DlpPolicyDto.From(policy))
            : PolicyNotFound(id);

    public static async Task<Results<Created<DlpPolicyDto>, ValidationProblem, ProblemHttpResult>> CreatePolicy(CreateDlpPolicyRequest request,
        ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = GovernanceValidation.Name(request.Name, errors);
        var infoTypes = await InfoTypesAsync(db, request.InfoTypes, errors, ct);
        var connectorIds = await GovernanceValidation.ConnectorIdsAsync(db, request.ConnectorIds, "connectorIds", errors, ct);
        var sourceTypes = GovernanceValidation.SourceTypes(request.SourceTypes, "sourceTypes", errors);
        var minimumCount = MinimumCount(request.MinimumCount ?? 1, errors);
        var confidence = GovernanceValidation.Enum<DlpConfidence>(request.MinimumConfidence, DlpConfidence.Medium, "minimumConfidence", errors);
        var action = GovernanceValidation.Enum<DlpAction>(request.Action, DlpAction.Flag, "action", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (await PolicyNameTakenAsync(db, name!, null, ct))
        {
            return PolicyConflict(name!);
        }
        var now = clock.GetUtcNow();
        var policy = new DlpPolicy
        {
            Name = name!, Enabled = request.Enabled ?? true, InfoTypes = infoTypes, ConnectorIds = connectorIds, SourceTypes = sourceTypes,
            MinimumCount = minimumCount, MinimumConfidence = confidence!.Value, Action = action!.Value, CreatedAt = now, CreatedBy = http.Actor().Name,
            UpdatedAt = now,
        };
        db.DlpPolicies.Add(policy);
        db.Record(http.Actor(), AuditActions.DlpPolicyChanged, "dlp-policy", policy.Id.ToString(), Describe(policy, "created"), clock);
        if (await GovernanceValidation.SaveAsync(db, PolicyConflictText(name!), ct) is { } conflict)
        {
            return conflict;
        }
        return TypedResults.Created($"/api/compliance/dlp/policies/{policy.Id}", DlpPolicyDto.From(policy));
    }

    public static async Task<Results<Ok<DlpPolicyDto>, ValidationProblem, ProblemHttpResult>> UpdatePolicy(Guid id, UpdateDlpPolicyRequest request,
        ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var policy = await db.DlpPolicies.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null)
        {
            return PolicyNotFound(id);
        }
        var errors = new Dictionary<string, string[]>();
        var name = request.Name is null ? policy.Name : GovernanceValidation.Name(request.Name, errors);
        var infoTypes = request.InfoTypes is null ? policy.InfoTypes : await InfoTypesAsync(db, request.InfoTypes, errors, ct);
        var connectorIds = request.ConnectorIds is null ? policy.ConnectorIds
            : await GovernanceValidation.ConnectorIdsAsync(db, request.ConnectorIds, "connectorIds", errors, ct);
        var sourceTypes = request.SourceTypes is null ? policy.SourceTypes : GovernanceValidation.SourceTypes(request.SourceTypes, "sourceTypes", errors);
        var minimumCount = MinimumCount(request.MinimumCount ?? policy.MinimumCount, errors);
        var confidence = GovernanceValidation.Enum<DlpConfidence>(request.MinimumConfidence, policy.MinimumConfidence, "minimumConfidence", errors);
        var action = GovernanceValidation.Enum<DlpAction>(request.Action, policy.Action, "action", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (name != policy.Name && await PolicyNameTakenAsync(db, name!, id, ct))
        {
            return PolicyConflict(name!);
        }
        var changed = new List<string>();
        GovernanceValidation.Change(changed, "name", name != policy.Name, () => policy.Name = name!);
        GovernanceValidation.Change(changed, "infoTypes", !infoTypes.SequenceEqual(policy.InfoTypes), () => policy.InfoTypes = infoTypes);
        GovernanceValidation.Change(changed, "connectorIds", !connectorIds.SequenceEqual(policy.ConnectorIds), () => policy.ConnectorIds = connectorIds);
        GovernanceValidation.Change(changed, "sourceTypes", !sourceTypes.SequenceEqual(policy.SourceTypes), () => policy.SourceTypes = sourceTypes);
        GovernanceValidation.Change(changed, "minimumCount", minimumCount != policy.MinimumCount, () => policy.MinimumCount = minimumCount);
        GovernanceValidation.Change(changed, "minimumConfidence", confidence != policy.MinimumConfidence, () => policy.MinimumConfidence = confidence!.Value);
        GovernanceValidation.Change(changed, "action", action != policy.Action, () => policy.Action = action!.Value);
        GovernanceValidation.Change(changed, "enabled", request.Enabled is { } enabled && enabled != policy.Enabled, () => policy.Enabled = request.Enabled!.Value);
        if (changed.Count > 0)
        {
            policy.UpdatedAt = clock.GetUtcNow();
            db.Record(http.Actor(), AuditActions.DlpPolicyChanged, "dlp-policy", id.ToString(), Describe(policy, "updated", changed), clock);
            if (await GovernanceValidation.SaveAsync(db, PolicyConflictText(policy.Name), ct) is { } conflict)
            {
                return conflict;
            }
        }
        return TypedResults.Ok(DlpPolicyDto.From(policy));
    }

    public static async Task<Results<Accepted<PolicyEvaluationDto>, ProblemHttpResult>> Evaluate(Guid id, ConnectorsDbContext db, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        if (!await db.DlpPolicies.AnyAsync(p => p.Id == id, ct))
        {
            return PolicyNotFound(id);
        }
        var evaluation = await PolicyEvaluations.RequestAsync(db, PolicyKind.Dlp, id, http.Actor(), clock, ct);
        return EvaluationsApi.Accepted(evaluation);
    }

    public static async Task<Results<Ok<Page<DlpMatchDto>>, ValidationProblem>> ListMatches(ConnectorsDbContext db, int? limit, long? before,
        Guid? policyId, Guid? connectorId, string? infoType, CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        var take = limit ?? 50;
        var query = db.DlpMatches.AsNoTracking();
        if (before is { } cursor)
        {
            query = query.Where(m => m.Id < cursor);
        }
        if (policyId is { } policy)
        {
            query = query.Where(m => m.PolicyId == policy);
        }
        if (connectorId is { } connector)
        {
            query = query.Where(m => m.ConnectorId == connector);
        }
        if (!string.IsNullOrWhiteSpace(infoType))
        {
            var type = BuiltInSensitiveInfoTypes.Find(infoType.Trim())?.Id ?? infoType.Trim();
            query = query.Where(m => m.InfoType == type);
        }
        var rows = await (
                from m in query
                join i in db.Items on m.ItemId equals i.Id into items
                from i in items.DefaultIfEmpty()
                join p in db.DlpPolicies on m.PolicyId equals p.Id into policies
                from p in policies.DefaultIfEmpty()
                orderby m.Id descending
                select new
                {
                    Match = m, ItemKey = i == null ? null : i.ItemKey, SentAt = i == null ? (DateTimeOffset?)null : i.SentAt,
                    SourceType = i == null ? null : i.SourceType, PolicyName = p == null ? null : p.Name,
                })
            .Take(take + 1).ToListAsync(ct);
        var next = rows.Count > take ? rows[take - 1].Match.Id.ToString() : null;
        return TypedResults.Ok(new Page<DlpMatchDto>(rows.Take(take).Select(r => new DlpMatchDto(r.Match.Id, r.Match.ItemId, r.ItemKey, r.SentAt,
            r.SourceType, r.Match.PolicyId, r.PolicyName, r.Match.InfoType, r.Match.Count, r.Match.Confidence, Locations(r.Match.Locations),
            r.Match.ConnectorId, r.Match.RunId, r.Match.DetectedAt)).ToList(), next));
    }

    /// <summary>
    /// The stored locations, field by field: only the masked value is carried over, so nothing else stored
    /// there can reach a caller.
    /// </summary>
    internal static IReadOnlyList<DlpLocationDto> Locations(string json)
    {
        var stored = JsonSerializer.Deserialize<List<StoredLocation>>(json, LocationJson) ?? [];
        return stored.Select(l => new DlpLocationDto(l.Location ?? "", l.Offset, l.Length, l.MaskedValue ?? "", l.Confidence)).ToList();
    }

    private sealed record StoredLocation(string? Location, int Offset, int Length, string? MaskedValue, DlpConfidence Confidence);

    private static List<string> Keywords(IReadOnlyList<string>? keywords, Dictionary<string, string[]> errors)
    {
        var result = new List<string>();
        if (keywords is null)
        {
            return result;
        }
        if (keywords.Count > MaxKeywords)
        {
            errors["keywords"] = [$"At most {MaxKeywords} keywords."];
            return result;
        }
        for (var i = 0; i < keywords.Count; i++)
        {
            var keyword = keywords[i]?.Trim();
            if (string.IsNullOrEmpty(keyword) || keyword.Length > MaxKeywordLength)
            {
                errors[$"keywords[{i}]"] = [$"A keyword has 1 to {MaxKeywordLength} characters."];
            }
            else if (!result.Contains(keyword, StringComparer.OrdinalIgnoreCase))
            {
                result.Add(keyword);
            }
        }
        return result;
    }

    /// <summary>Built-in ids (canonical case) and existing custom types; each unknown one reported as <c>infoTypes[i]</c>.</summary>
    private static async Task<List<string>> InfoTypesAsync(ConnectorsDbContext db, IReadOnlyList<string>? ids, Dictionary<string, string[]> errors,
        CancellationToken ct)
    {
        if (ids is null || ids.Count == 0)
        {
            errors["infoTypes"] = ["At least one sensitive information type is required; see GET /api/compliance/dlp/types."];
            return [];
        }
        if (ids.Count > GovernanceValidation.MaxListLength)
        {
            errors["infoTypes"] = [$"At most {GovernanceValidation.MaxListLength} entries."];
            return [];
        }
        var custom = await db.DlpCustomTypes.AsNoTracking().Select(t => t.Name).ToListAsync(ct);
        var result = new List<string>();
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i]?.Trim() ?? "";
            string? known = BuiltInSensitiveInfoTypes.Find(id)?.Id;
            if (known is null && id.StartsWith(SensitiveInfoType.CustomIdPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var name = id[SensitiveInfoType.CustomIdPrefix.Length..].Trim();
                known = custom.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase)) is { } match
                    ? SensitiveInfoType.CustomIdPrefix + match
                    : null;
            }
            if (known is null)
            {
                errors[$"infoTypes[{i}]"] = [$"Unknown sensitive information type '{ids[i]}'; custom types are named custom:<name>."];
            }
            else if (!result.Contains(known))
            {
                result.Add(known);
            }
        }
        return result;
    }

    private static int MinimumCount(int count, Dictionary<string, string[]> errors)
    {
        if (count is < 1 or > MaxMinimumCount)
        {
            errors["minimumCount"] = [$"The minimum count is 1 to {MaxMinimumCount:N0}."];
        }
        return count;
    }

    private static async Task<DlpCustomType?> FindCustomAsync(ConnectorsDbContext db, string id, CancellationToken ct, bool tracked = false)
    {
        var name = (id.StartsWith(SensitiveInfoType.CustomIdPrefix, StringComparison.OrdinalIgnoreCase) ? id[SensitiveInfoType.CustomIdPrefix.Length..] : id)
            .Trim().ToLowerInvariant();
        var types = tracked ? db.DlpCustomTypes : db.DlpCustomTypes.AsNoTracking();
        return await types.FirstOrDefaultAsync(t => t.Name.ToLower() == name, ct);
    }

    private static object Describe(DlpPolicy p, string change, List<string>? changed = null) => new
    {
        change, changed, p.Name, p.Enabled, p.InfoTypes, p.ConnectorIds, p.SourceTypes, p.MinimumCount, p.MinimumConfidence, p.Action,
    };

    private static Task<bool> PolicyNameTakenAsync(ConnectorsDbContext db, string name, Guid? except, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        return db.DlpPolicies.AnyAsync(p => p.Name.ToLower() == lower && p.Id != except, ct);
    }

    private static string TypeConflictText(string name) => $"A custom sensitive information type named '{name}' already exists.";

    private static string PolicyConflictText(string name) => $"A DLP policy named '{name}' already exists.";

    private static ProblemHttpResult PolicyConflict(string name) => Problems.Field(StatusCodes.Status409Conflict, "Conflict", "name", PolicyConflictText(name));

    private static ProblemHttpResult PolicyNotFound(Guid id) => Problems.NotFound($"DLP policy {id} does not exist.");

    private static ProblemHttpResult TypeNotFound(string id) => Problems.NotFound($"There is no sensitive information type '{id}'.");
}

using System.ComponentModel;
using Connectors.Api.Connectors;
using Connectors.Audit;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Governance.Retention;
using Connectors.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Api.Governance;

public sealed record RetentionPolicyDto(Guid Id, string Name, RetentionScope Scope, string? ScopeValue, int RetainForDays,
    RetentionAction Action, bool Enabled, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt)
{
    public static RetentionPolicyDto From(RetentionPolicy p) =>
        new(p.Id, p.Name, p.Scope, p.ScopeValue, (int)p.RetainFor.TotalDays, p.Action, p.Enabled, p.CreatedAt, p.CreatedBy, p.UpdatedAt);
}

public sealed record CreateRetentionPolicyRequest(
    [property: Description("Unique name, 1 to 200 characters.")] string? Name,
    [property: Description("Organization, Connector, SourceType or ItemClass.")] string? Scope,
    [property: Description("Organization: none. Connector: its id. SourceType: a connector type id (Slack…). ItemClass: ipm.externaldata.… with an optional trailing *.")] string? ScopeValue,
    [property: Description("Days to keep items, counted from their sent date: 1 to 36,500 (100 years).")] int? RetainForDays,
    [property: Description("Delete, DispositionReview or RetainOnly.")] string? Action,
    bool? Enabled = null);

/// <summary>Fields left out (null) keep their value; scope and scope value are checked together.</summary>
public sealed record UpdateRetentionPolicyRequest(string? Name = null, string? Scope = null, string? ScopeValue = null, int? RetainForDays = null,
    string? Action = null, bool? Enabled = null);

public sealed record DispositionReviewDto(long ItemId, string? ItemKey, DateTimeOffset? SentAt, string? SourceType, Guid PolicyId, string? PolicyName,
    DateTimeOffset DueAt, DispositionState State, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt, string? DecidedBy, string? Notes,
    DateTimeOffset? RetainUntil);

public sealed record DispositionDecisionRequest(
    [property: Description("true: delete the item (the sweeper does it, unless it is held); false: keep it.")] bool? Approve,
    [property: Description("When keeping: until when (in the future); omit to keep it for good.")] DateTimeOffset? RetainUntil = null,
    [property: Description("Why; at most 2,000 characters.")] string? Notes = null);

/// <summary>Retention policies and the disposition reviews they lead to.</summary>
public static class RetentionApi
{
    public const int MaxRetainForDays = 36500;
    public const string ItemClassPrefix = "ipm.externaldata.";

    public static IEndpointRouteBuilder MapRetentionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/compliance/retention").WithTags("Retention").RequireAuthorization(Policies.Configure);
        group.MapGet("/policies", List);
        group.MapGet("/policies/{id:guid}", Get);
        group.MapPost("/policies", Create);
        group.MapPut("/policies/{id:guid}", Update);
        group.MapDelete("/policies/{id:guid}", Delete)
            .WithDescription("Deletes a policy that never sent an item to disposition review; such a policy can only be disabled (409 otherwise).");
        group.MapGet("/reviews", ListReviews);
        group.MapPost("/reviews/{itemId:long}/decision", Decide);
        return app;
    }

    public static async Task<Ok<List<RetentionPolicyDto>>> List(ConnectorsDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.RetentionPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct)).Select(RetentionPolicyDto.From).ToList());

    public static async Task<Results<Ok<RetentionPolicyDto>, ProblemHttpResult>> Get(Guid id, ConnectorsDbContext db, CancellationToken ct) =>
        await db.RetentionPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is { } policy
            ? TypedResults.Ok(RetentionPolicyDto.From(policy))
            : NotFound(id);

    public static async Task<Results<Created<RetentionPolicyDto>, ValidationProblem, ProblemHttpResult>> Create(CreateRetentionPolicyRequest request,
        ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = GovernanceValidation.Name(request.Name, errors);
        var scope = GovernanceValidation.Enum<RetentionScope>(request.Scope, RetentionScope.Organization, "scope", errors);
        var scopeValue = scope is { } s ? await ScopeValueAsync(db, s, request.ScopeValue, errors, ct) : null;
        var retainFor = RetainFor(request.RetainForDays, errors);
        var action = GovernanceValidation.Enum<RetentionAction>(request.Action, null, "action", errors);
        if (request.Action is null)
        {
            errors["action"] = ["An action is required: Delete, DispositionReview or RetainOnly."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (await NameTakenAsync(db, name!, null, ct))
        {
            return NameConflict(name!);
        }
        var now = clock.GetUtcNow();
        var policy = new RetentionPolicy
        {
            Name = name!, Scope = scope!.Value, ScopeValue = scopeValue, RetainFor = retainFor!.Value, Action = action!.Value,
            Enabled = request.Enabled ?? true, CreatedAt = now, CreatedBy = http.Actor().Name, UpdatedAt = now,
        };
        db.RetentionPolicies.Add(policy);
        db.Record(http.Actor(), AuditActions.RetentionPolicyChanged, "retention-policy", policy.Id.ToString(), Describe(policy, "created"), clock);
        if (await GovernanceValidation.SaveAsync(db, NameConflictText(name!), ct) is { } conflict)
        {
            return conflict;
        }
        return TypedResults.Created($"/api/compliance/retention/policies/{policy.Id}", RetentionPolicyDto.From(policy));
    }

    public static async Task<Results<Ok<RetentionPolicyDto>, ValidationProblem, ProblemHttpResult>> Update(Guid id, UpdateRetentionPolicyRequest request,
        ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var policy = await db.RetentionPolicies.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null)
        {
            return NotFound(id);
        }
        var errors = new Dictionary<string, string[]>();
        var name = request.Name is null ? policy.Name : GovernanceValidation.Name(request.Name, errors);
        var scope = GovernanceValidation.Enum<RetentionScope>(request.Scope, policy.Scope, "scope", errors);
        var scopeValue = policy.ScopeValue;
        if (scope is { } s && (request.Scope is not null || request.ScopeValue is not null))
        {
            // A new scope needs its own value; the same scope keeps its value unless one is given. Left alone, the
            // stored value is not re-checked, so a policy whose connector was removed can still be renamed or disabled.
            var text = request.ScopeValue ?? (s == policy.Scope ? policy.ScopeValue : null);
            scopeValue = await ScopeValueAsync(db, s, text, errors, ct);
        }
        var retainFor = request.RetainForDays is null ? policy.RetainFor : RetainFor(request.RetainForDays, errors);
        var action = GovernanceValidation.Enum<RetentionAction>(request.Action, policy.Action, "action", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (name != policy.Name && await NameTakenAsync(db, name!, id, ct))
        {
            return NameConflict(name!);
        }
        var changed = new List<string>();
        GovernanceValidation.Change(changed, "name", policy.Name != name, () => policy.Name = name!);
        GovernanceValidation.Change(changed, "scope", policy.Scope != scope, () => policy.Scope = scope!.Value);
        GovernanceValidation.Change(changed, "scopeValue", policy.ScopeValue != scopeValue, () => policy.ScopeValue = scopeValue);
        GovernanceValidation.Change(changed, "retainForDays", policy.RetainFor != retainFor, () => policy.RetainFor = retainFor!.Value);
        GovernanceValidation.Change(changed, "action", policy.Action != action, () => policy.Action = action!.Value);
        GovernanceValidation.Change(changed, "enabled", request.Enabled is { } enabled && enabled != policy.Enabled, () => policy.Enabled = request.Enabled!.Value);
        if (changed.Count > 0)
        {
            policy.UpdatedAt = clock.GetUtcNow();
            db.Record(http.Actor(), AuditActions.RetentionPolicyChanged, "retention-policy", id.ToString(), Describe(policy, "updated", changed), clock);
            if (await GovernanceValidation.SaveAsync(db, NameConflictText(policy.Name), ct) is { } conflict)
            {
                return conflict;
            }
        }
        return TypedResults.Ok(RetentionPolicyDto.From(policy));
    }

    /// <summary>
    /// Deletes a policy no disposition review refers to. One that sent items to review stays as their record:
    /// 409, disable it instead (PUT with <c>enabled: false</c>).
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, ConnectorsDbContext db, TimeProvider clock, HttpContext http,
        CancellationToken ct)
    {
        var policy = await db.RetentionPolicies.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null)
        {
            return NotFound(id);
        }
        var inUse = Problems.Conflict($"Retention policy '{policy.Name}' sent items to disposition review and is kept as their record; disable it instead (PUT with enabled: false).");
        if (await db.DispositionReviews.AnyAsync(r => r.PolicyId == id, ct))
        {
            return inUse;
        }
        db.RetentionPolicies.Remove(policy);
        db.Record(http.Actor(), AuditActions.RetentionPolicyChanged, "retention-policy", id.ToString(), Describe(policy, "deleted"), clock);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation })
        {
            // The sweeper sent an item to review between the check and the delete.
            return inUse;
        }
        return TypedResults.NoContent();
    }

    /// <summary>Items waiting for (or given) a disposition decision, oldest item first; page with <c>after</c>.</summary>
    public static async Task<Results<Ok<Page<DispositionReviewDto>>, ValidationProblem>> ListReviews(ConnectorsDbContext db, int? limit, long? after,
        DispositionState? state, Guid? policyId, CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        var take = limit ?? 50;
        var query = db.DispositionReviews.AsNoTracking();
        if (after is { } cursor)
        {
            query = query.Where(r => r.ItemId > cursor);
        }
        if (state is { } wanted)
        {
            query = query.Where(r => r.State == wanted);
        }
        if (policyId is { } policy)
        {
            query = query.Where(r => r.PolicyId == policy);
        }
        var rows = await (
                from r in query
                join i in db.Items on r.ItemId equals i.Id into items
                from i in items.DefaultIfEmpty()
                join p in db.RetentionPolicies on r.PolicyId equals p.Id into policies
                from p in policies.DefaultIfEmpty()
                orderby r.ItemId
                select new DispositionReviewDto(r.ItemId, i == null ? null : i.ItemKey, i == null ? null : i.SentAt, i == null ? null : i.SourceType,
                    r.PolicyId, p == null ? null : p.Name, r.DueAt, r.State, r.CreatedAt, r.DecidedAt, r.DecidedBy, r.Notes, r.RetainUntil))
            .Take(take + 1).ToListAsync(ct);
        var next = rows.Count > take ? rows[take - 1].ItemId.ToString() : null;
        return TypedResults.Ok(new Page<DispositionReviewDto>(rows.Take(take).ToList(), next));
    }

    /// <summary>Approves deletion or keeps the item (audited). 409 when it was already decided.</summary>
    public static async Task<Results<Ok<DispositionReviewDto>, ValidationProblem, ProblemHttpResult>> Decide(long itemId, DispositionDecisionRequest request,
        ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (request.Approve is not { } approve)
        {
            return GovernanceValidation.Invalid("approve", "Say whether the item may be deleted: approve true or false.");
        }
        if (request.Notes is { Length: > 2000 })
        {
            return GovernanceValidation.Invalid("notes", "Notes are limited to 2000 characters.");
        }
        if (approve && request.RetainUntil is not null)
        {
            return GovernanceValidation.Invalid("retainUntil", "Only an item that is kept has a retain-until date.");
        }
        if (!approve && request.RetainUntil is { } until && until <= clock.GetUtcNow())
        {
            return GovernanceValidation.Invalid("retainUntil", "Retain until must be in the future.");
        }
        var (review, error) = await Dispositions.DecideAsync(db, itemId, approve, request.RetainUntil, request.Notes, http.Actor(), clock, ct);
        if (review is null)
        {
            return Problems.NotFound($"Item {itemId} has no disposition review.");
        }
        if (error is not null)
        {
            return Problems.Conflict(error);
        }
        var item = await db.Items.AsNoTracking().Where(i => i.Id == itemId).Select(i => new { i.ItemKey, i.SentAt, i.SourceType }).FirstOrDefaultAsync(ct);
        var policyName = await db.RetentionPolicies.Where(p => p.Id == review.PolicyId).Select(p => p.Name).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(new DispositionReviewDto(review.ItemId, item?.ItemKey, item?.SentAt, item?.SourceType, review.PolicyId, policyName,
            review.DueAt, review.State, review.CreatedAt, review.DecidedAt, review.DecidedBy, review.Notes, review.RetainUntil));
    }

    /// <summary>The scope value a scope needs, normalised; errors are reported under <c>scopeValue</c>.</summary>
    internal static async Task<string?> ScopeValueAsync(ConnectorsDbContext db, RetentionScope scope, string? text, Dictionary<string, string[]> errors,
        CancellationToken ct)
    {
        var value = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        switch (scope)
        {
            case RetentionScope.Organization:
                if (value is not null)
                {
                    errors["scopeValue"] = ["An organization-wide policy has no scope value."];
                }
                return null;
            case RetentionScope.Connector:
                if (!Guid.TryParse(value, out var connectorId) || !await db.Connectors.AnyAsync(c => c.Id == connectorId && c.DeletedAt == null, ct))
                {
                    errors["scopeValue"] = [value is null ? "A connector policy needs the connector's id." : $"Connector '{value}' does not exist."];
                    return null;
                }
                return connectorId.ToString();
            case RetentionScope.SourceType:
                if (ConnectorTypes.Find(value) is not { } type)
                {
                    errors["scopeValue"] = [$"'{value}' is not a source type. Known types: {string.Join(", ", ConnectorTypes.All.Select(t => t.Id))}."];
                    return null;
                }
                return type.Id;
            default:
                var itemClass = value?.ToLowerInvariant();
                var rest = itemClass is not null && itemClass.StartsWith(ItemClassPrefix, StringComparison.Ordinal) ? itemClass[ItemClassPrefix.Length..] : null;
                if (rest is null || rest.Length == 0 || rest.TrimEnd('*').Contains('*') || rest.Count(c => c == '*') > 1 || itemClass!.Length > 200
                    || rest.Any(char.IsWhiteSpace))
                {
                    errors["scopeValue"] = [$"An item class starts with {ItemClassPrefix} (e.g. {ItemClassPrefix}slack) and may end with one * to match a prefix."];
                    return null;
                }
                return itemClass;
        }
    }

    private static TimeSpan? RetainFor(int? days, Dictionary<string, string[]> errors)
    {
        if (days is >= 1 and <= MaxRetainForDays)
        {
            return TimeSpan.FromDays(days.Value);
        }
        errors["retainForDays"] = [$"A retention period of 1 to {MaxRetainForDays:N0} days (100 years) is required."];
        return null;
    }

    private static object Describe(RetentionPolicy p, string change, List<string>? changed = null) => new
    {
        change, changed, p.Name, p.Scope, p.ScopeValue, retainForDays = (int)p.RetainFor.TotalDays, p.Action, p.Enabled,
    };

    private static Task<bool> NameTakenAsync(ConnectorsDbContext db, string name, Guid? except, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        return db.RetentionPolicies.AnyAsync(p => p.Name.ToLower() == lower && p.Id != except, ct);
    }

    private static string NameConflictText(string name) => $"A retention policy named '{name}' already exists.";

    private static ProblemHttpResult NameConflict(string name) => Problems.Field(StatusCodes.Status409Conflict, "Conflict", "name", NameConflictText(name));

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound($"Retention policy {id} does not exist.");
}

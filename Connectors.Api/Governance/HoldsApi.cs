using System.ComponentModel;
using Connectors.Api.Connectors;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Governance.Holds;
using Connectors.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Api.Governance;

public sealed record LegalHoldDto(Guid Id, string Name, string? Description,
    [property: Description("Email of the custodian's directory account; null when the hold is not by custodian.")] string? Custodian,
    Guid? ConnectorId, string? SourceType, DateTimeOffset? SentFrom,
    [property: Description("Exclusive end of the sent-date range.")] DateTimeOffset? SentTo,
    bool Active, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ReleasedAt, string? ReleasedBy, string? ReleaseReason)
{
    public static LegalHoldDto From(LegalHold h, string? custodian) => new(h.Id, h.Name, h.Description, custodian, h.ConnectorId, h.SourceType,
        h.SentFrom, h.SentTo, h.Active, h.CreatedAt, h.CreatedBy, h.ReleasedAt, h.ReleasedBy, h.ReleaseReason);
}

/// <summary>Every criterion given must match; a hold with none holds everything.</summary>
public sealed record PlaceHoldRequest(
    [property: Description("1 to 200 characters.")] string? Name,
    [property: Description("At most 2,000 characters: the matter, the case number.")] string? Description = null,
    [property: Description("Email of a directory account: the items in that person's archive mailbox.")] string? Custodian = null,
    Guid? ConnectorId = null,
    [property: Description("A connector type id (Slack, InstantBloomberg…).")] string? SourceType = null,
    [property: Description("Inclusive start of the sent-date range.")] DateTimeOffset? SentFrom = null,
    [property: Description("Exclusive end of the sent-date range; after sentFrom.")] DateTimeOffset? SentTo = null);

public sealed record ReleaseHoldRequest([property: Description("Why the hold ends: required, at most 2,000 characters.")] string? Reason);

/// <summary>Legal holds: placed and released (with a reason), each audited; held items cannot be deleted.</summary>
public static class HoldsApi
{
    public static IEndpointRouteBuilder MapHoldsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/compliance/holds").WithTags("Legal holds").RequireAuthorization(Policies.Configure);
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", Get);
        group.MapPost("/", Place);
        group.MapPost("/{id:guid}/release", Release);
        return app;
    }

    /// <summary>Newest first; <c>active</c> true lists holds in force, false released ones.</summary>
    public static async Task<Results<Ok<Page<LegalHoldDto>>, ValidationProblem>> List(ConnectorsDbContext db, int? limit, Guid? before, bool? active,
        CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        var take = limit ?? 50;
        var query = db.LegalHolds.AsNoTracking();
        if (before is { } cursor)
        {
            query = query.Where(h => h.Id < cursor);
        }
        if (active is { } wanted)
        {
            query = wanted ? query.Where(h => h.ReleasedAt == null) : query.Where(h => h.ReleasedAt != null);
        }
        // Ids are UUIDv7: id order is creation order.
        var rows = await (
                from h in query
                join a in db.Accounts on h.AccountId equals a.Id into accounts
                from a in accounts.DefaultIfEmpty()
                orderby h.Id descending
                select new { Hold = h, Email = a == null ? null : a.Email })
            .Take(take + 1).ToListAsync(ct);
        var next = rows.Count > take ? rows[take - 1].Hold.Id.ToString() : null;
        return TypedResults.Ok(new Page<LegalHoldDto>(rows.Take(take).Select(r => LegalHoldDto.From(r.Hold, r.Email)).ToList(), next));
    }

    public static async Task<Results<Ok<LegalHoldDto>, ProblemHttpResult>> Get(Guid id, ConnectorsDbContext db, CancellationToken ct) =>
        await db.LegalHolds.AsNoTracking().FirstOrDefaultAsync(h => h.Id == id, ct) is { } hold
            ? TypedResults.Ok(LegalHoldDto.From(hold, await CustodianEmailAsync(db, hold, ct)))
            : NotFound(id);

    public static async Task<Results<Created<LegalHoldDto>, ValidationProblem>> Place(PlaceHoldRequest request, ConnectorsDbContext db, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var (hold, errors) = await Holds.PlaceAsync(db, new Holds.Request(request.Name, request.Description, request.Custodian, request.ConnectorId,
            request.SourceType, request.SentFrom, request.SentTo), http.Actor(), clock, ct);
        if (hold is null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var custodian = await CustodianEmailAsync(db, hold, ct);
        return TypedResults.Created($"/api/compliance/holds/{hold.Id}", LegalHoldDto.From(hold, custodian));
    }

    /// <summary>Ends a hold; the reason is required and recorded. 409 when it was already released.</summary>
    public static async Task<Results<Ok<LegalHoldDto>, ValidationProblem, ProblemHttpResult>> Release(Guid id, ReleaseHoldRequest request,
        ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 2000)
        {
            return GovernanceValidation.Invalid("reason", "A reason of 1 to 2000 characters is required to release a hold.");
        }
        var (hold, error) = await Holds.ReleaseAsync(db, id, request.Reason, http.Actor(), clock, ct);
        if (hold is null)
        {
            return NotFound(id);
        }
        if (error is not null)
        {
            return Problems.Conflict(error);
        }
        return TypedResults.Ok(LegalHoldDto.From(hold, await CustodianEmailAsync(db, hold, ct)));
    }

    private static async Task<string?> CustodianEmailAsync(ConnectorsDbContext db, LegalHold hold, CancellationToken ct) =>
        hold.AccountId is { } account ? await db.Accounts.Where(a => a.Id == account).Select(a => a.Email).FirstOrDefaultAsync(ct) : null;

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound($"Legal hold {id} does not exist.");
}

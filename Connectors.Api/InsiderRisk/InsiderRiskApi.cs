using System.Text.Json;
using Connectors.Api.Connectors;
using Connectors.Audit;
using Connectors.Data;
using Connectors.InsiderRisk;
using Connectors.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Api.InsiderRisk;

public sealed record RiskAlertDto(long Id, string Policy, Guid AccountId, string? Account, RiskSeverity Severity, RiskState State,
    DateTimeOffset WindowStart, DateTimeOffset WindowEnd, string Summary, JsonElement Contributions, DateTimeOffset DetectedAt,
    DateTimeOffset UpdatedAt, DateTimeOffset? TriagedAt, string? TriagedBy, string? TriageNotes)
{
    public static RiskAlertDto From(RiskAlert a, string? account) => new(a.Id, a.Policy, a.AccountId, account, a.Severity, a.State,
        a.WindowStart, a.WindowEnd, a.Summary, JsonDocument.Parse(a.Contributions).RootElement.Clone(), a.DetectedAt, a.UpdatedAt,
        a.TriagedAt, a.TriagedBy, a.TriageNotes);
}

public sealed record TriageRequest(string? State, string? Notes);

/// <summary>Insider-risk alerts: who, why (the contributing signals), how severe, and their triage. Analysts only.</summary>
public static class InsiderRiskApi
{
    public static IEndpointRouteBuilder MapInsiderRiskApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/compliance/insider-risk/alerts").WithTags("Insider risk").RequireAuthorization(Policies.InsiderRisk);
        group.MapGet("/", List);
        group.MapGet("/{alertId:long}", Get);
        group.MapPost("/{alertId:long}/triage", Triage);
        return app;
    }

    /// <summary>Newest first; filter by <c>state</c>; page with <c>before</c>.</summary>
    public static async Task<Results<Ok<Page<RiskAlertDto>>, ValidationProblem>> List(ConnectorsDbContext db, int? limit, long? before, string? state,
        CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        RiskState? wanted = null;
        if (state is not null)
        {
            if (!Enum.TryParse<RiskState>(state, ignoreCase: true, out var parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["state"] = ["state must be Open, Confirmed or Dismissed."] });
            }
            wanted = parsed;
        }
        var take = limit ?? 50;
        var query = db.RiskAlerts.AsNoTracking();
        if (before is { } cursor)
        {
            query = query.Where(a => a.Id < cursor);
        }
        if (wanted is { } s)
        {
            query = query.Where(a => a.State == s);
        }
        var alerts = await query.OrderByDescending(a => a.Id).Take(take + 1).ToListAsync(ct);
        var ids = alerts.Select(a => a.AccountId).Distinct().ToList();
        var emails = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Email, ct);
        var next = alerts.Count > take ? alerts[take - 1].Id.ToString() : null;
        return TypedResults.Ok(new Page<RiskAlertDto>(alerts.Take(take).Select(a => RiskAlertDto.From(a, emails.GetValueOrDefault(a.AccountId))).ToList(), next));
    }

    public static async Task<Results<Ok<RiskAlertDto>, ProblemHttpResult>> Get(long alertId, ConnectorsDbContext db, CancellationToken ct)
    {
        var alert = await db.RiskAlerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == alertId, ct);
        if (alert is null)
        {
            return Problems.NotFound($"Risk alert {alertId} does not exist.");
        }
        var email = await db.Accounts.Where(a => a.Id == alert.AccountId).Select(a => a.Email).SingleOrDefaultAsync(ct);
        return TypedResults.Ok(RiskAlertDto.From(alert, email));
    }

    /// <summary>Confirms, dismisses or reopens an alert, with notes; audited.</summary>
    public static async Task<Results<Ok<RiskAlertDto>, ValidationProblem, ProblemHttpResult>> Triage(long alertId, TriageRequest request,
        ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (!Enum.TryParse<RiskState>(request.State, ignoreCase: true, out var to))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["state"] = ["state must be Open, Confirmed or Dismissed."] });
        }
        if (request.Notes is { Length: > 4000 })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["notes"] = ["Notes are limited to 4000 characters."] });
        }
        var alert = await db.RiskAlerts.SingleOrDefaultAsync(a => a.Id == alertId, ct);
        if (alert is null)
        {
            return Problems.NotFound($"Risk alert {alertId} does not exist.");
        }
        if (RiskTriage.Transition(alert.State, to) is { } error)
        {
            return Problems.Conflict(error);
        }
        var actor = http.Actor();
        var from = alert.State;
        (alert.State, alert.TriagedAt, alert.TriagedBy, alert.TriageNotes) = (to, clock.GetUtcNow(), actor.Name, request.Notes?.Trim());
        db.Record(actor, AuditActions.RiskAlertTriaged, "risk-alert", alert.Id.ToString(), new { from, to, notes = alert.TriageNotes }, clock);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict($"Risk alert {alertId} was triaged by someone else meanwhile; reload it.");
        }
        var email = await db.Accounts.Where(a => a.Id == alert.AccountId).Select(a => a.Email).SingleOrDefaultAsync(ct);
        return TypedResults.Ok(RiskAlertDto.From(alert, email));
    }
}

using System.ComponentModel;
using Connectors.Alerts;
using Connectors.Api.Connectors;
using Connectors.Audit;
using Connectors.Credentials;
using Connectors.Data;
using Connectors.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Api.Alerts;

public sealed record AlertDto(long Id, AlertKind Kind, AlertSeverity Severity, AlertStatus Status, Guid? ConnectorId, long? RunId,
    string Reason, int Occurrences, DateTimeOffset RaisedAt, DateTimeOffset LastRaisedAt, DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy, DateTimeOffset? ResolvedAt, string? ResolvedBy)
{
    public static AlertDto From(Alert a) => new(a.Id, a.Kind, a.Severity, a.Status, a.ConnectorId, a.RunId, a.Reason, a.Occurrences,
        a.RaisedAt, a.LastRaisedAt, a.AcknowledgedAt, a.AcknowledgedBy, a.ResolvedAt, a.ResolvedBy);
}

public sealed record WebhookDto(string? Url, bool Enabled, bool HasSecret, DateTimeOffset? UpdatedAt);

public sealed record UpdateWebhookRequest(
    [property: Description("http(s) URL that receives a JSON POST per alert.")] string? Url,
    bool? Enabled = null,
    [property: Description("Write-only. Signs each body: X-Connectors-Signature: sha256=<HMAC-SHA256 hex>. Send \"\" to remove it.")] string? Secret = null);

public static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/compliance/alerts").WithTags("Alerts").RequireAuthorization(Policies.View);
        group.MapGet("/", List);
        group.MapPost("/{id:long}/acknowledge", Acknowledge).RequireAuthorization(Policies.Configure);
        group.MapPost("/{id:long}/resolve", Resolve).RequireAuthorization(Policies.Configure);
        group.MapGet("/webhook", GetWebhook).RequireAuthorization(Policies.Administer);
        group.MapPut("/webhook", UpdateWebhook).RequireAuthorization(Policies.Administer);
        return app;
    }

    /// <summary>Newest first; <c>status</c> filters (Open, Acknowledged, Resolved), <c>connectorId</c> narrows to one connector.</summary>
    public static async Task<Results<Ok<Page<AlertDto>>, ValidationProblem>> List(ConnectorsDbContext db, int? limit, long? before,
        AlertStatus? status, Guid? connectorId, CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        var take = limit ?? 50;
        var query = db.Alerts.AsNoTracking();
        if (before is { } cursor)
        {
            query = query.Where(a => a.Id < cursor);
        }
        if (status is { } wanted)
        {
            query = query.Where(a => a.Status == wanted);
        }
        if (connectorId is { } connector)
        {
            query = query.Where(a => a.ConnectorId == connector);
        }
        var alerts = await query.OrderByDescending(a => a.Id).Take(take + 1).ToListAsync(ct);
        var next = alerts.Count > take ? alerts[take - 1].Id.ToString() : null;
        return TypedResults.Ok(new Page<AlertDto>(alerts.Take(take).Select(AlertDto.From).ToList(), next));
    }

    public static Task<Results<Ok<AlertDto>, ProblemHttpResult>> Acknowledge(long id, ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        ChangeAsync(id, db, http, "alert.acknowledged", ct, alert => alert.Acknowledge(http.Actor().Name, clock.GetUtcNow()));

    public static Task<Results<Ok<AlertDto>, ProblemHttpResult>> Resolve(long id, ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        ChangeAsync(id, db, http, "alert.resolved", ct, alert => alert.Resolve(http.Actor().Name, clock.GetUtcNow()));

    public static async Task<Ok<WebhookDto>> GetWebhook(ConnectorsDbContext db, CancellationToken ct)
    {
        var settings = await db.WebhookSettings.AsNoTracking().FirstOrDefaultAsync(ct);
        return TypedResults.Ok(new WebhookDto(settings?.Url, settings?.Enabled ?? false, settings?.ProtectedSecret is not null, settings?.UpdatedAt));
    }

    public static async Task<Results<Ok<WebhookDto>, ValidationProblem>> UpdateWebhook(UpdateWebhookRequest request, ConnectorsDbContext db,
        CredentialProtector protector, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (request.Url is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || url.Length > 2000))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["url"] = ["An absolute http(s) URL of at most 2,000 characters is required."] });
        }
        if (request.Enabled == true && string.IsNullOrEmpty(request.Url))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["url"] = ["A webhook cannot be enabled without a URL."] });
        }
        var settings = await db.WebhookSettings.FirstOrDefaultAsync(ct);
        if (settings is null)
        {
            settings = new WebhookSettings();
            db.WebhookSettings.Add(settings);
        }
        settings.Url = string.IsNullOrEmpty(request.Url) ? null : request.Url;
        settings.Enabled = (request.Enabled ?? true) && settings.Url is not null;
        if (request.Secret is not null)
        {
            settings.ProtectedSecret = request.Secret.Length == 0 ? null : protector.Protect(request.Secret);
        }
        settings.UpdatedAt = clock.GetUtcNow();
        db.Record(http.Actor(), "alerts.webhook-changed", "webhook", null,
            new { settings.Url, settings.Enabled, secretChanged = request.Secret is not null });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new WebhookDto(settings.Url, settings.Enabled, settings.ProtectedSecret is not null, settings.UpdatedAt));
    }

    private static async Task<Results<Ok<AlertDto>, ProblemHttpResult>> ChangeAsync(long id, ConnectorsDbContext db, HttpContext http,
        string action, CancellationToken ct, Func<Alert, string?> change)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Locked, so a run re-raising or resolving this alert at the same moment cannot be overwritten.
        var alert = (await db.Alerts.FromSql($"SELECT * FROM alerts WHERE id = {id} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (alert is null)
        {
            return Problems.NotFound($"Alert {id} does not exist.");
        }
        if (change(alert) is { } conflict)
        {
            return Problems.Conflict(conflict);
        }
        db.Record(http.Actor(), action, "alert", id.ToString(), new { alert.Kind, alert.ConnectorId });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(AlertDto.From(alert));
    }
}

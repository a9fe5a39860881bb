using Connectors.Alerts;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.Alerts;

/// <summary>
/// Alerts newest first, filtered by status. Compliance Administrators and above acknowledge and resolve them
/// here; the API offers the same changes with the same rules and audit records.
/// </summary>
public sealed class IndexModel(ConnectorsDbContext db, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    /// <summary>Which alerts the list shows; the default is every alert that still needs someone.</summary>
    public enum StatusFilter
    {
        OpenAndAcknowledged,
        Open,
        Acknowledged,
        Resolved,
        All,
    }

    public IReadOnlyList<AlertRow> Alerts { get; private set; } = [];
    public StatusFilter Filter { get; private set; }
    public DateTimeOffset Now { get; private set; }

    /// <summary>Set when the list is narrowed to one connector (from its page).</summary>
    public Guid? ConnectorId { get; private set; }
    public string? ConnectorName { get; private set; }

    /// <summary>The alert id this page starts below, or null on the newest page.</summary>
    public long? Before { get; private set; }

    /// <summary>The cursor of the next (older) page, or null when this is the oldest.</summary>
    public long? OlderBefore { get; private set; }

    /// <summary>Whether the signed-in user may acknowledge and resolve; the handlers check it again.</summary>
    public bool CanChange => User.CanConfigure();

    /// <summary>What the last change did, shown once after the redirect.</summary>
    [TempData]
    public string? Message { get; set; }

    /// <summary>Why the last change was refused (the alert had moved on), shown once after the redirect.</summary>
    [TempData]
    public string? Refusal { get; set; }

    /// <summary>The filter as a route value: the default is left out so its address stays plain <c>/alerts</c>.</summary>
    public StatusFilter? StatusRoute => Filter == StatusFilter.OpenAndAcknowledged ? null : Filter;

    public async Task<IActionResult> OnGetAsync(StatusFilter? status, Guid? connectorId, long? before, CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        Filter = status ?? StatusFilter.OpenAndAcknowledged;
        Before = before;
        if (connectorId is { } connector)
        {
            ConnectorName = await db.Connectors.Where(c => c.Id == connector).Select(c => c.Name).FirstOrDefaultAsync(ct);
            if (ConnectorName is null)
            {
                return NotFound();
            }
            ConnectorId = connector;
        }

        var query = db.Alerts.AsNoTracking();
        query = Filter switch
        {
            StatusFilter.OpenAndAcknowledged => query.Where(a => a.Status != AlertStatus.Resolved),
            StatusFilter.Open => query.Where(a => a.Status == AlertStatus.Open),
            StatusFilter.Acknowledged => query.Where(a => a.Status == AlertStatus.Acknowledged),
            StatusFilter.Resolved => query.Where(a => a.Status == AlertStatus.Resolved),
            _ => query,
        };
        if (ConnectorId is { } only)
        {
            query = query.Where(a => a.ConnectorId == only);
        }
        if (before is { } cursor)
        {
            query = query.Where(a => a.Id < cursor);
        }
        // Keyset on the (status, id) index: one row more than a page tells whether older alerts exist.
        var alerts = await query.OrderByDescending(a => a.Id).Take(PageSize + 1).ToListAsync(ct);
        OlderBefore = alerts.Count > PageSize ? alerts[PageSize - 1].Id : null;

        var ids = alerts.Where(a => a.ConnectorId is not null).Select(a => a.ConnectorId!.Value).Distinct().ToList();
        var names = await db.Connectors.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        Alerts = alerts.Take(PageSize)
            .Select(a => AlertRow.From(a, a.ConnectorId is { } id ? names.GetValueOrDefault(id) : null))
            .ToList();
        return Page();
    }

    public Task<IActionResult> OnPostAcknowledgeAsync(long id, StatusFilter? status, Guid? connectorId, long? before, CancellationToken ct) =>
        ChangeAsync(id, "alert.acknowledged", $"Alert {id} acknowledged.", new { status, connectorId, before }, ct,
            (alert, by, at) => alert.Acknowledge(by, at));

    public Task<IActionResult> OnPostResolveAsync(long id, StatusFilter? status, Guid? connectorId, long? before, CancellationToken ct) =>
        ChangeAsync(id, "alert.resolved", $"Alert {id} resolved.", new { status, connectorId, before }, ct,
            (alert, by, at) => alert.Resolve(by, at));

    /// <summary>Applies one transition, or says why it does not apply, then returns to the list the user was on.</summary>
    private async Task<IActionResult> ChangeAsync(long id, string action, string done, object listRoute, CancellationToken ct,
        Func<Alert, string, DateTimeOffset, string?> change)
    {
        // Viewers see no buttons, but a hand-made POST must be refused here too.
        if (!User.CanConfigure())
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The row lock makes a run that re-raises or resolves this alert at the same moment wait, so the
        // transition is checked against the state it replaces.
        var alert = (await db.Alerts.FromSql($"SELECT * FROM alerts WHERE id = {id} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (alert is null)
        {
            return NotFound();
        }
        var actor = HttpContext.Actor();
        if (change(alert, actor.Name, clock.GetUtcNow()) is { } refusal)
        {
            Refusal = refusal;
            return RedirectToPage(listRoute);
        }
        db.Record(actor, action, "alert", id.ToString(), new { alert.Kind, alert.ConnectorId }, clock);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        Message = done;
        return RedirectToPage(listRoute);
    }

    public sealed record AlertRow(
        long Id, AlertKind Kind, AlertSeverity Severity, AlertStatus Status, Guid? ConnectorId, string? ConnectorName, long? RunId,
        string Reason, int Occurrences, DateTimeOffset RaisedAt, DateTimeOffset LastRaisedAt, DateTimeOffset? AcknowledgedAt,
        string? AcknowledgedBy, DateTimeOffset? ResolvedAt, string? ResolvedBy)
    {
        public bool CanAcknowledge => Status == AlertStatus.Open;
        public bool CanResolve => Status != AlertStatus.Resolved;

        public static AlertRow From(Alert a, string? connectorName) =>
            new(a.Id, a.Kind, a.Severity, a.Status, a.ConnectorId, connectorName, a.RunId, a.Reason, a.Occurrences, a.RaisedAt,
                a.LastRaisedAt, a.AcknowledgedAt, a.AcknowledgedBy, a.ResolvedAt, a.ResolvedBy);
    }
}

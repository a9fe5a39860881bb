using Connectors.Connectors;
using Connectors.Data;
using Connectors.Web.Alerts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages;

/// <summary>The dashboard: one row per connector with its status and latest import.</summary>
public sealed class IndexModel(ConnectorsDbContext db, OpenAlerts openAlerts, TimeProvider clock) : PageModel
{
    public const int RefreshSeconds = 10;

    public IReadOnlyList<ConnectorRow> Connectors { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    /// <summary>Open alerts by severity, most severe first, for the line above the table.</summary>
    public IReadOnlyList<OpenAlerts.SeverityCount> OpenAlertCounts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        OpenAlertCounts = await openAlerts.BySeverityAsync(ct);
        await LoadAsync(ct);
    }

    /// <summary>Only the table rows, for the refresh script.</summary>
    public async Task<PartialViewResult> OnGetTableAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        Response.Headers.CacheControl = "no-store";
        return Partial("_ConnectorRows", this);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        var connectors = await db.Connectors.AsNoTracking()
            .Where(c => c.DeletedAt == null)
            .OrderBy(c => c.Name)
            .ToListAsync(ct);
        Connectors = connectors.Select(ConnectorRow.From).ToList();
    }

    public sealed record ConnectorRow(
        Guid Id, string Name, string Type, ConnectorStatus Status, DateTimeOffset? LastImportAt, long ItemsImported,
        int Errors, string? LastError)
    {
        public static ConnectorRow From(Connector c) =>
            new(c.Id, c.Name, c.Type, c.Status, c.LastImportAt, c.ItemsImported, c.LastRunErrors, c.LastError);
    }
}

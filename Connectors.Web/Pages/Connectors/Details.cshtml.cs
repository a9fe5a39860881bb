using Connectors.Connectors;
using Connectors.Data;
using Connectors.Runs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.Connectors;

/// <summary>One connector: its configuration, current state and run history, newest first.</summary>
public sealed class DetailsModel(ConnectorsDbContext db, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    public ConnectorView Connector { get; private set; } = null!;
    public IReadOnlyList<ImportRun> Runs { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    /// <summary>The run id this page starts below, or null on the newest page.</summary>
    public long? Before { get; private set; }

    /// <summary>The cursor of the next (older) page, or null when this is the oldest.</summary>
    public long? OlderBefore { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, long? before, CancellationToken ct)
    {
        // A removed connector keeps its history, so its page stays reachable from old links.
        var connector = await db.Connectors.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (connector is null)
        {
            return NotFound();
        }
        Connector = ConnectorView.From(connector);
        Now = clock.GetUtcNow();
        Before = before;

        var query = db.Runs.AsNoTracking().Where(r => r.ConnectorId == id);
        if (before is { } cursor)
        {
            query = query.Where(r => r.Id < cursor);
        }
        // Keyset on the (connector_id, id desc) index: one row more than a page tells whether older runs exist.
        var runs = await query.OrderByDescending(r => r.Id).Take(PageSize + 1).ToListAsync(ct);
        OlderBefore = runs.Count > PageSize ? runs[PageSize - 1].Id : null;
        Runs = runs.Take(PageSize).ToList();
        return Page();
    }

    public sealed record ConnectorView(
        Guid Id, string Name, string Type, ConnectorStatus Status, ConnectorSchedule Schedule, DateTimeOffset? NextRunAt,
        DateTimeOffset? LastImportAt, long ItemsImported, int LastRunErrors, string? LastError, DateTimeOffset? DeletedAt)
    {
        public static ConnectorView From(Connector c) =>
            new(c.Id, c.Name, c.Type, c.Status, c.Schedule, c.NextRunAt, c.LastImportAt, c.ItemsImported, c.LastRunErrors,
                c.LastError, c.DeletedAt);
    }
}

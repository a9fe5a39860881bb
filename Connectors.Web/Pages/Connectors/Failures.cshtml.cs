using Connectors.Data;
using Connectors.Runs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.Connectors;

/// <summary>The items one run could not import, with the reason an administrator needs to act on each.</summary>
public sealed class FailuresModel(ConnectorsDbContext db) : PageModel
{
    public const int PageSize = 100;

    public Guid ConnectorId { get; private set; }
    public string ConnectorName { get; private set; } = "";
    public ImportRun Run { get; private set; } = null!;
    public IReadOnlyList<ImportFailure> Failures { get; private set; } = [];

    /// <summary>The failure id this page starts after, or null on the first page.</summary>
    public long? After { get; private set; }

    /// <summary>The cursor of the next page, or null when this is the last.</summary>
    public long? NextAfter { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, long runId, long? after, CancellationToken ct)
    {
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId && r.ConnectorId == id, ct);
        if (run is null)
        {
            return NotFound();
        }
        Run = run;
        ConnectorId = id;
        ConnectorName = await db.Connectors.Where(c => c.Id == id).Select(c => c.Name).FirstAsync(ct);
        After = after;

        var query = db.Failures.AsNoTracking().Where(f => f.RunId == runId);
        if (after is { } cursor)
        {
            query = query.Where(f => f.Id > cursor);
        }
        // In the order they were recorded, which follows the source file: row numbers read top to bottom.
        var failures = await query.OrderBy(f => f.Id).Take(PageSize + 1).ToListAsync(ct);
        NextAfter = failures.Count > PageSize ? failures[PageSize - 1].Id : null;
        Failures = failures.Take(PageSize).ToList();
        return Page();
    }
}

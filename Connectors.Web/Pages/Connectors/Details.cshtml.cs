using Connectors.Sources.Files;
using Connectors.Alerts;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Runs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.Connectors;

/// <summary>
/// One connector: its configuration, current state, open alerts, run history (newest first) and the people
/// it could not map.
/// </summary>
public sealed class DetailsModel(ConnectorsDbContext db, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    /// <summary>How many unmapped identities are listed: the ones holding back the most items.</summary>
    public const int UnmappedShown = 50;

    public ConnectorView Connector { get; private set; } = null!;

    /// <summary>SFTP connectors: how long until the vendor deletes files not yet collected.</summary>
    public SourceRetention? Retention { get; private set; }
    public IReadOnlyList<ImportRun> Runs { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    /// <summary>Alerts of this connector that are open or acknowledged, newest first.</summary>
    public IReadOnlyList<AlertRow> Alerts { get; private set; } = [];

    public IReadOnlyList<UnmappedRow> Unmapped { get; private set; } = [];
    public long UnmappedTotal { get; private set; }

    /// <summary>Items kept out of every mailbox until their people are mapped.</summary>
    public long QuarantinePending { get; private set; }

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
        Retention = connector.DeletedAt is null ? SourceRetention.For(connector, Now) : null;
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

        // Rarely more than a handful: at most one unresolved alert per kind and connector.
        Alerts = await db.Alerts.AsNoTracking()
            .Where(a => a.ConnectorId == id && a.Status != AlertStatus.Resolved)
            .OrderByDescending(a => a.Id)
            .Select(a => new AlertRow(a.Id, a.Kind, a.Severity, a.Status, a.Reason, a.Occurrences, a.RaisedAt, a.LastRaisedAt,
                a.AcknowledgedAt, a.AcknowledgedBy))
            .ToListAsync(ct);
        var unmapped = db.UnmappedIdentities.AsNoTracking().Where(u => u.ConnectorId == id);
        UnmappedTotal = await unmapped.LongCountAsync(ct);
        Unmapped = await unmapped
            .OrderByDescending(u => u.ItemCount).ThenBy(u => u.SourceId)
            .Take(UnmappedShown)
            .Select(u => new UnmappedRow(u.SourceId, u.DisplayName, u.Email, u.ItemCount, u.FirstSeenAt, u.LastSeenAt))
            .ToListAsync(ct);
        // Items in no mailbox, plus signals attributed to nobody: both wait for a mapping.
        QuarantinePending = await db.Quarantine.LongCountAsync(q => q.ConnectorId == id && q.ReleasedAt == null, ct)
            + await db.HrSignals.LongCountAsync(s => s.ConnectorId == id && s.AccountId == null, ct);
        return Page();
    }

    public sealed record ConnectorView(
        Guid Id, string Name, string Type, ConnectorStatus Status, ConnectorSchedule Schedule, DateTimeOffset? NextRunAt,
        DateTimeOffset? LastImportAt, DateTimeOffset? LastSuccessAt, int ConsecutiveFailures, long ItemsImported, int LastRunErrors,
        string? LastError, DateTimeOffset? DeletedAt)
    {
        public static ConnectorView From(Connector c) =>
            new(c.Id, c.Name, c.Type, c.Status, c.Schedule, c.NextRunAt, c.LastImportAt, c.LastSuccessAt, c.ConsecutiveFailures,
                c.ItemsImported, c.LastRunErrors, c.LastError, c.DeletedAt);
    }

    public sealed record AlertRow(
        long Id, AlertKind Kind, AlertSeverity Severity, AlertStatus Status, string Reason, int Occurrences, DateTimeOffset RaisedAt,
        DateTimeOffset LastRaisedAt, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy);

    public sealed record UnmappedRow(
        string SourceId, string? DisplayName, string? Email, long ItemCount, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt);
}

using Connectors.Alerts;
using Connectors.Data;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Alerts;

/// <summary>
/// How many alerts are open, by severity: the navigation shows it on every page and the dashboard repeats it.
/// Scoped, so a request that renders both asks the database once.
/// </summary>
public sealed class OpenAlerts(ConnectorsDbContext db)
{
    private IReadOnlyList<SeverityCount>? _counts;

    public sealed record SeverityCount(AlertSeverity Severity, int Count);

    /// <summary>Most severe first; severities without open alerts are left out.</summary>
    public async Task<IReadOnlyList<SeverityCount>> BySeverityAsync(CancellationToken ct)
    {
        if (_counts is null)
        {
            // Acknowledged alerts are being handled; only the ones nobody has looked at count as open.
            var counts = await db.Alerts.AsNoTracking()
                .Where(a => a.Status == AlertStatus.Open)
                .GroupBy(a => a.Severity)
                .Select(g => new { Severity = g.Key, Count = g.Count() })
                .ToListAsync(ct);
            _counts = counts.Select(c => new SeverityCount(c.Severity, c.Count)).OrderByDescending(c => c.Severity).ToList();
        }
        return _counts;
    }

    public async Task<int> CountAsync(CancellationToken ct) => (await BySeverityAsync(ct)).Sum(c => c.Count);
}

using System.Text.Json;
using Connectors.Data;
using Connectors.Sources.Hr;
using Microsoft.EntityFrameworkCore;

namespace Connectors.InsiderRisk;

/// <summary>
/// Feeds the correlation engine from the signal stores and the archive (HR signals, badge events, DLP matches
/// by sender, daily archived volume per person) and stores its findings as risk alerts, idempotently by key:
/// a new finding opens an alert, a known one is brought up to date, a triaged one keeps its state.
/// </summary>
public static class InsiderRiskEvaluation
{
    /// <summary>How far back signals are read: the longest window plus the volume baseline.</summary>
    public static TimeSpan Horizon(InsiderRiskSettings settings) =>
        (settings.DepartingWindow > settings.RiskyUserWindow ? settings.DepartingWindow : settings.RiskyUserWindow)
        + TimeSpan.FromDays(settings.UnusualVolume.BaselineDays + 1);

    public static async Task<(int Opened, int Updated)> RunAsync(ConnectorsDbContext db, InsiderRiskSettings settings, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var since = now - Horizon(settings);
        var hr = (await db.HrSignals.AsNoTracking()
                .Where(s => s.AccountId != null && s.EventDate != null && s.EventDate >= since && s.Scenario != nameof(HrScenario.EmployeeProfile))
                .Select(s => new { s.AccountId, s.Scenario, s.EventDate, s.UploadId, s.RowNumber, s.Remarks })
                .ToListAsync(cancellationToken))
            .Select(s => new HrEvent(s.AccountId!.Value, s.Scenario, s.EventDate!.Value, $"HR upload {s.UploadId} row {s.RowNumber}", s.Remarks))
            .ToList();
        var badges = (await db.BadgeEvents.AsNoTracking().Where(e => e.AccountId != null && e.EventTime >= since)
                .Select(e => new { e.AccountId, e.EventTime, e.AssetId, e.AssetName, e.AccessStatus, e.UploadId, e.RecordIndex })
                .ToListAsync(cancellationToken))
            .Select(e => new BadgeAccess(e.AccountId!.Value, e.EventTime, e.AssetId, e.AssetName, e.AccessStatus == "Success",
                $"badging upload {e.UploadId} record {e.RecordIndex}"))
            .ToList();
        // Only people with an HR trigger can have an HR finding: their DLP hits and volumes are all that is needed.
        var people = hr.Select(h => h.AccountId).Distinct().ToArray();
        var dlp = people.Length == 0 ? [] : await db.Database.SqlQuery<DlpRow>($"""
            SELECT d.id AS account_id, m.detected_at AS at, m.info_type, m.count, i.item_key, i.sent_at
            FROM dlp_matches m
            JOIN archive_items i ON i.id = m.item_id
            JOIN directory_accounts d ON d.email = lower(i.sender ->> 'email')
            WHERE d.id = ANY({people}) AND i.sent_at >= {since}
            """).ToListAsync(cancellationToken);
        var volumes = people.Length == 0 ? [] : await db.Database.SqlQuery<VolumeRow>($"""
            SELECT p.account_id, date_trunc('day', i.sent_at AT TIME ZONE 'UTC') AS day, count(*)::int AS items
            FROM mailbox_placements p JOIN archive_items i ON i.id = p.item_id
            WHERE p.account_id = ANY({people}) AND i.sent_at >= {since}
            GROUP BY 1, 2
            """).ToListAsync(cancellationToken);
        var inputs = new InsiderRiskInputs(hr, badges,
            dlp.Select(d => new DlpHit(d.AccountId, d.SentAt, d.InfoType, d.Count, d.ItemKey)).ToList(),
            volumes.Select(v => new DailyVolume(v.AccountId, DateOnly.FromDateTime(v.Day), v.Items)).ToList());
        var findings = RiskCorrelator.Evaluate(inputs, settings, now);

        var keys = findings.Select(f => f.Key).ToList();
        var existing = await db.RiskAlerts.Where(a => keys.Contains(a.Key)).ToDictionaryAsync(a => a.Key, cancellationToken);
        int opened = 0, updated = 0;
        foreach (var finding in findings)
        {
            var contributions = JsonSerializer.Serialize(finding.Contributions, JsonSerializerOptions.Web);
            if (existing.TryGetValue(finding.Key, out var alert))
            {
                // jsonb normalises the stored text, so the contributions are compared as JSON, not as strings.
                if (alert.Summary != finding.Summary || alert.Severity != finding.Severity
                    || !System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(alert.Contributions), System.Text.Json.Nodes.JsonNode.Parse(contributions)))
                {
                    (alert.Summary, alert.Severity, alert.Contributions, alert.WindowEnd, alert.UpdatedAt) =
                        (finding.Summary, finding.Severity, contributions, finding.WindowEnd, now);
                    updated++;
                }
                continue;
            }
            db.RiskAlerts.Add(new RiskAlert
            {
                Key = finding.Key, Policy = finding.Policy, AccountId = finding.AccountId, Severity = finding.Severity, State = RiskState.Open,
                WindowStart = finding.WindowStart, WindowEnd = finding.WindowEnd, Summary = finding.Summary, Contributions = contributions,
                DetectedAt = now, UpdatedAt = now,
            });
            opened++;
        }
        await db.SaveChangesAsync(cancellationToken);
        return (opened, updated);
    }

    private sealed record DlpRow(Guid AccountId, DateTimeOffset At, string InfoType, int Count, string ItemKey, DateTimeOffset SentAt);

    private sealed record VolumeRow(Guid AccountId, DateTime Day, int Items);
}

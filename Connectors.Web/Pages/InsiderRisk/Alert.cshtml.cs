using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Connectors.Audit;
using Connectors.Data;
using Connectors.InsiderRisk;
using Connectors.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.InsiderRisk;

/// <summary>
/// One insider-risk alert whole: the signals behind it in time order, its triage history from the audit trail, and
/// the form to confirm, dismiss or reopen it. A triage is audited exactly as the API audits it.
/// </summary>
[Authorize(Policy = Policies.InsiderRisk)]
public sealed class AlertModel(ConnectorsDbContext db, TimeProvider clock) : PageModel
{
    /// <summary>The longest notes kept with a triage (the column's size).</summary>
    public const int MaxNotesLength = 4000;

    public RiskAlert Alert { get; private set; } = null!;
    public string? Email { get; private set; }
    public string? DisplayName { get; private set; }
    public IReadOnlyList<RiskContribution> Contributions { get; private set; } = [];
    public IReadOnlyList<TriageEntry> History { get; private set; } = [];

    /// <summary>Whether the stored contributions could not be read (shown instead of an empty table).</summary>
    public bool ContributionsUnreadable { get; private set; }

    [BindProperty, StringLength(MaxNotesLength), Display(Name = "Notes")]
    public string? Notes { get; set; }

    [TempData]
    public string? Message { get; set; }

    /// <summary>Why the last triage was not applied (shown on the re-displayed page).</summary>
    public string? Refusal { get; private set; }

    /// <summary>The triage buttons the alert's state allows, in the order they are offered.</summary>
    public IEnumerable<RiskState> Allowed =>
        new[] { RiskState.Confirmed, RiskState.Dismissed, RiskState.Open }.Where(to => RiskTriage.Transition(Alert.State, to) is null);

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(long id, RiskState? to, CancellationToken ct)
    {
        if (to is not { } target || !Enum.IsDefined(target))
        {
            Refusal = "Choose Confirm, Dismiss or Reopen.";
        }
        else if (ModelState.IsValid)
        {
            var alert = await db.RiskAlerts.SingleOrDefaultAsync(a => a.Id == id, ct);
            if (alert is null)
            {
                return NotFound();
            }
            if (RiskTriage.Transition(alert.State, target) is { } error)
            {
                Refusal = error;
            }
            else
            {
                var actor = HttpContext.Actor();
                var from = alert.State;
                (alert.State, alert.TriagedAt, alert.TriagedBy, alert.TriageNotes) =
                    (target, clock.GetUtcNow(), actor.Name, string.IsNullOrWhiteSpace(Notes) ? null : Notes.Trim());
                db.Record(actor, AuditActions.RiskAlertTriaged, "risk-alert", alert.Id.ToString(CultureInfo.InvariantCulture),
                    new { from, to = target, notes = alert.TriageNotes }, clock);
                try
                {
                    await db.SaveChangesAsync(ct);
                    Message = $"{VerbText(target)}: the alert is now {target.ToString().ToLowerInvariant()}.";
                    return RedirectToPage(new { id });
                }
                catch (DbUpdateConcurrencyException)
                {
                    Refusal = "Someone else triaged this alert meanwhile; it is shown as it is now.";
                    db.ChangeTracker.Clear();
                }
            }
        }
        // Shown again with the analyst's notes kept, so nothing typed is lost.
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    /// <summary>The button's word for a triage to <paramref name="to"/>.</summary>
    public static string VerbText(RiskState to) => to switch
    {
        RiskState.Confirmed => "Confirmed",
        RiskState.Dismissed => "Dismissed",
        _ => "Reopened",
    };

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var alert = await db.RiskAlerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null)
        {
            return false;
        }
        Alert = alert;
        var person = await db.Accounts.AsNoTracking().Where(a => a.Id == alert.AccountId)
            .Select(a => new { a.Email, a.DisplayName }).SingleOrDefaultAsync(ct);
        (Email, DisplayName) = (person?.Email, person?.DisplayName);
        try
        {
            Contributions = (JsonSerializer.Deserialize<List<RiskContribution>>(alert.Contributions, JsonSerializerOptions.Web) ?? [])
                .OrderBy(c => c.At).ToList();
        }
        catch (JsonException)
        {
            ContributionsUnreadable = true;
        }
        var target = id.ToString(CultureInfo.InvariantCulture);
        var records = await db.AuditRecords.AsNoTracking()
            .Where(r => r.Action == AuditActions.RiskAlertTriaged && r.TargetType == "risk-alert" && r.TargetId == target)
            .OrderByDescending(r => r.At).ThenByDescending(r => r.Id)
            .ToListAsync(ct);
        History = records.Select(TriageEntry.Read).ToList();
        return true;
    }

    /// <summary>One triage as the audit trail recorded it; a state the record does not name is null.</summary>
    public sealed record TriageEntry(long Id, DateTimeOffset At, string Analyst, RiskState? From, RiskState? To, string? Notes)
    {
        public static TriageEntry Read(AuditRecord record)
        {
            RiskState? from = null, to = null;
            string? notes = null;
            if (record.Details is { } details)
            {
                try
                {
                    using var json = JsonDocument.Parse(details);
                    var root = json.RootElement;
                    if (root.ValueKind == JsonValueKind.Object)
                    {
                        from = State(root, "from");
                        to = State(root, "to");
                        notes = root.TryGetProperty("notes", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                    }
                }
                catch (JsonException)
                {
                    // An unreadable record still shows who triaged and when.
                }
            }
            return new TriageEntry(record.Id, record.At, record.Actor, from, to, notes);
        }

        private static RiskState? State(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                && Enum.TryParse<RiskState>(value.GetString(), ignoreCase: true, out var state)
                ? state
                : null;
    }
}

using System.Reflection;
using System.Text.Json;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Governance.Integrity;
using Connectors.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.Governance;

/// <summary>
/// The audit trail newest first, filtered by action, with each record's place in the hash chain; and the integrity
/// checks that verify the chain, items and blobs, run by the worker. Global Administrators only.
/// </summary>
[Authorize(Policy = Policies.Administer)]
public sealed class AuditModel(ConnectorsDbContext db, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;
    public const int ChecksShown = 10;

    /// <summary>At most this many problems of a failed check are listed here; the API has them all.</summary>
    public const int ProblemsShown = 20;

    /// <summary>Every action the code records, for the filter.</summary>
    public static IReadOnlyList<string> KnownActions { get; } = typeof(AuditActions)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal)
        .ToList();

    public IReadOnlyList<AuditRecord> Records { get; private set; } = [];
    public IReadOnlyList<CheckRow> Checks { get; private set; } = [];
    public string? Action { get; private set; }
    public long? Before { get; private set; }
    public long? OlderBefore { get; private set; }

    [TempData]
    public string? Message { get; set; }

    public IReadOnlyList<SelectListItem> ActionOptions =>
        [new SelectListItem("Every action", "", Action is null), .. KnownActions.Select(a => new SelectListItem(a, a, a == Action))];

    public async Task OnGetAsync(string? filter, long? before, CancellationToken ct)
    {
        Action = string.IsNullOrWhiteSpace(filter) ? null : filter.Trim();
        Before = before;
        var query = db.AuditRecords.AsNoTracking();
        if (Action is { } only)
        {
            query = query.Where(a => a.Action == only);
        }
        if (before is { } cursor)
        {
            query = query.Where(a => a.Seq < cursor);
        }
        // Keyset on the unique seq index (chain order): one row more than a page tells whether older records exist.
        var records = await query.OrderByDescending(a => a.Seq).Take(PageSize + 1).ToListAsync(ct);
        OlderBefore = records.Count > PageSize ? records[PageSize - 1].Seq : null;
        Records = records.Take(PageSize).ToList();

        var checks = await db.IntegrityChecks.AsNoTracking().OrderByDescending(c => c.Id).Take(ChecksShown).ToListAsync(ct);
        Checks = checks.Select(c => new CheckRow(c, ReadProblems(c.Problems))).ToList();
    }

    public async Task<IActionResult> OnPostCheckAsync(CancellationToken ct)
    {
        var check = await IntegrityRequests.RequestAsync(db, HttpContext.Actor(), clock, ct);
        Message = $"Integrity check {check.Id} queued; the worker runs it and this page shows the result.";
        return RedirectToPage();
    }

    private static IReadOnlyList<IntegrityProblem> ReadProblems(string json)
    {
        try
        {
            return (JsonSerializer.Deserialize<List<IntegrityProblem>>(json, JsonSerializerOptions.Web) ?? []).Take(ProblemsShown).ToList();
        }
        catch (JsonException)
        {
            return [new IntegrityProblem("unreadable", "", "The stored problem list could not be read.")];
        }
    }

    public sealed record CheckRow(IntegrityCheck Check, IReadOnlyList<IntegrityProblem> Problems);
}

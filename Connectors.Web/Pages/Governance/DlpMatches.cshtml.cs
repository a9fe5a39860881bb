using System.Text.Json;
using Connectors.Data;
using Connectors.Governance.Dlp;
using Connectors.Security;
using Connectors.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.Governance;

/// <summary>
/// The latest DLP matches, newest first, with matched values masked. Compliance Administrators and above, and
/// Compliance Reviewers (the access decision for DLP lists); the check is in <see cref="OnGetAsync"/> because it
/// combines two duties no single policy names.
/// </summary>
public sealed class DlpMatchesModel(ConnectorsDbContext db) : PageModel
{
    public const int PageSize = 50;

    /// <summary>At most this many masked values per match: the count says how many there are.</summary>
    public const int ValuesShown = 5;

    public IReadOnlyList<MatchRow> Matches { get; private set; } = [];
    public long? Before { get; private set; }
    public long? OlderBefore { get; private set; }

    /// <summary>Whether the list may be read: Configure or Review.</summary>
    public static bool MayRead(System.Security.Claims.ClaimsPrincipal user) =>
        user.Can(Role.ComplianceAdministrator) || user.Can(Role.ComplianceReviewer);

    public async Task<IActionResult> OnGetAsync(long? before, CancellationToken ct)
    {
        if (!MayRead(User))
        {
            return Forbid();
        }
        Before = before;
        var query = db.DlpMatches.AsNoTracking();
        if (before is { } cursor)
        {
            query = query.Where(m => m.Id < cursor);
        }
        // Keyset on the identity: one row more than a page tells whether older matches exist.
        var rows = await (
            from m in query
            join i in db.Items on m.ItemId equals i.Id
            join p in db.DlpPolicies on m.PolicyId equals p.Id
            orderby m.Id descending
            select new { Match = m, i.ItemKey, PolicyName = p.Name })
            .Take(PageSize + 1).ToListAsync(ct);
        OlderBefore = rows.Count > PageSize ? rows[PageSize - 1].Match.Id : null;
        Matches = rows.Take(PageSize).Select(r => new MatchRow(r.Match, r.ItemKey, r.PolicyName, TypeName(r.Match.InfoType), MaskedValues(r.Match.Locations)))
            .ToList();
        return Page();
    }

    private static string TypeName(string id) =>
        BuiltInSensitiveInfoTypes.Find(id)?.Name
        ?? (id.StartsWith(SensitiveInfoType.CustomIdPrefix, StringComparison.Ordinal) ? id[SensitiveInfoType.CustomIdPrefix.Length..] + " (custom)" : id);

    /// <summary>The masked values and where they were; only the stored (already masked) values are ever read.</summary>
    private static IReadOnlyList<(string Location, string Value)> MaskedValues(string locationsJson)
    {
        var values = new List<(string, string)>();
        using var document = JsonDocument.Parse(locationsJson);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return values;
        }
        foreach (var location in document.RootElement.EnumerateArray().Take(ValuesShown))
        {
            var where = location.TryGetProperty("location", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "";
            var masked = location.TryGetProperty("maskedValue", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            values.Add((where, masked));
        }
        return values;
    }

    public sealed record MatchRow(DlpMatch Match, string ItemKey, string PolicyName, string TypeName,
        IReadOnlyList<(string Location, string Value)> Values);
}

using Connectors.Data;
using Connectors.InsiderRisk;
using Connectors.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.InsiderRisk;

/// <summary>
/// Insider-risk alerts, newest first, filtered by triage state and paged by id. Insider-risk analysts and Global
/// Administrators only: the alerts name people and describe HR and badging events.
/// </summary>
[Authorize(Policy = Policies.InsiderRisk)]
public sealed class IndexModel(ConnectorsDbContext db) : PageModel
{
    public const int PageSize = 50;

    /// <summary>Which alerts the list shows; the default is the ones still to be triaged.</summary>
    public enum StateFilter
    {
        Open,
        Confirmed,
        Dismissed,
        All,
    }

    public IReadOnlyList<AlertRow> Alerts { get; private set; } = [];
    public StateFilter Filter { get; private set; }
    public long? Before { get; private set; }
    public long? NextBefore { get; private set; }

    /// <summary>The filter as a route value: the default is left out so the address stays plain.</summary>
    public StateFilter? StateRoute => Filter == StateFilter.Open ? null : Filter;

    public async Task OnGetAsync(StateFilter? state, long? before, CancellationToken ct)
    {
        Filter = state is { } s && Enum.IsDefined(s) ? s : StateFilter.Open;
        Before = before;
        var query = db.RiskAlerts.AsNoTracking();
        query = Filter switch
        {
            StateFilter.Open => query.Where(a => a.State == RiskState.Open),
            StateFilter.Confirmed => query.Where(a => a.State == RiskState.Confirmed),
            StateFilter.Dismissed => query.Where(a => a.State == RiskState.Dismissed),
            _ => query,
        };
        if (before is { } cursor)
        {
            query = query.Where(a => a.Id < cursor);
        }
        // Newest first; keyset on the (state, id) index.
        var rows = await (
            from a in query
            join p in db.Accounts on a.AccountId equals p.Id into people
            from p in people.DefaultIfEmpty()
            orderby a.Id descending
            select new { Alert = a, Email = p == null ? null : p.Email })
            .Take(PageSize + 1).ToListAsync(ct);
        NextBefore = rows.Count > PageSize ? rows[PageSize - 1].Alert.Id : null;
        Alerts = rows.Take(PageSize).Select(r => new AlertRow(r.Alert, r.Email)).ToList();
    }

    public sealed record AlertRow(RiskAlert Alert, string? Email);
}

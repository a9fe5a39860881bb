using Connectors.Data;
using Connectors.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.Users;

/// <summary>The local accounts of the site (Global Administrators only, see the folder convention).</summary>
public sealed class IndexModel(ConnectorsDbContext db, TimeProvider clock) : PageModel
{
    public IReadOnlyList<UserRow> Users { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    /// <summary>What the last change did, shown once after the redirect.</summary>
    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        Users = await db.Users.AsNoTracking()
            .OrderBy(u => u.UserName)
            .Select(u => new UserRow(u.Id, u.UserName, u.DisplayName, u.Role, u.Enabled, u.CreatedAt, u.LastSignInAt))
            .ToListAsync(ct);
    }

    public sealed record UserRow(
        Guid Id, string UserName, string DisplayName, Role Role, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt);
}

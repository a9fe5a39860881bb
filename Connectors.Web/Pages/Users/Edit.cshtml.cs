using System.ComponentModel.DataAnnotations;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Security;
using Connectors.Web.Security;
using Connectors.Web.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.Users;

/// <summary>Changes a user's display name, role and whether they may sign in.</summary>
public sealed class EditModel(ConnectorsDbContext db, TimeProvider clock) : PageModel
{
    public string UserName { get; private set; } = "";

    /// <summary>True when administrators edit themselves: they may not lock themselves out.</summary>
    public bool IsSelf { get; private set; }

    [BindProperty, Required, StringLength(UserRules.MaximumNameLength), Display(Name = "Display name")]
    public string DisplayName { get; set; } = "";

    [BindProperty, EnumDataType(typeof(Role))]
    public Role Role { get; set; }

    [BindProperty, Display(Name = "Enabled (may sign in)")]
    public bool Enabled { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return NotFound();
        }
        Show(user);
        DisplayName = user.DisplayName;
        Role = user.Role;
        Enabled = user.Enabled;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return NotFound();
        }
        Show(user);
        // The acting administrator is always left able to sign in and administer, so one always remains.
        if (IsSelf && !Enabled)
        {
            ModelState.AddModelError(nameof(Enabled), "You cannot disable your own account.");
        }
        if (IsSelf && Role != Role.GlobalAdministrator)
        {
            ModelState.AddModelError(nameof(Role), "You cannot remove your own Global Administrator role.");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }

        // Old and new values of each changed field: the audit trail shows what a change did, not only that it happened.
        var changes = new Dictionary<string, object>();
        var displayName = DisplayName.Trim();
        if (displayName != user.DisplayName)
        {
            changes["displayName"] = new { from = user.DisplayName, to = displayName };
            user.DisplayName = displayName;
        }
        if (Role != user.Role)
        {
            changes["role"] = new { from = user.Role.ToString(), to = Role.ToString() };
            user.Role = Role;
        }
        if (Enabled != user.Enabled)
        {
            changes["enabled"] = new { from = user.Enabled, to = Enabled };
            user.Enabled = Enabled;
        }
        if (changes.Count == 0)
        {
            TempData[nameof(IndexModel.Message)] = $"No changes to {user.UserName}.";
            return RedirectToPage("/Users/Index");
        }
        db.Record(HttpContext.Actor(), AuditActions.UserChanged, "user", user.Id.ToString(),
            new { user.UserName, changed = changes.Keys.ToList(), changes }, clock);
        await db.SaveChangesAsync(ct);
        TempData[nameof(IndexModel.Message)] = $"Saved changes to {user.UserName}.";
        return RedirectToPage("/Users/Index");
    }

    private void Show(UserAccount user)
    {
        UserName = user.UserName;
        IsSelf = User.UserId() == user.Id;
    }
}

using System.ComponentModel.DataAnnotations;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Security;
using Connectors.Web.Security;
using Connectors.Web.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.Users;

/// <summary>Sets a new password; the user's existing sessions end (see <see cref="SessionValidator"/>).</summary>
public sealed class ResetPasswordModel(ConnectorsDbContext db, IPasswordHasher<UserAccount> hasher, TimeProvider clock) : PageModel
{
    public string UserName { get; private set; } = "";

    [BindProperty, Required, DataType(DataType.Password), Display(Name = "New password")]
    [StringLength(UserRules.MaximumPasswordLength, MinimumLength = UserRules.MinimumPasswordLength,
        ErrorMessage = "The password must be at least {2} characters long.")]
    public string Password { get; set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var userName = await db.Users.Where(u => u.Id == id).Select(u => u.UserName).FirstOrDefaultAsync(ct);
        if (userName is null)
        {
            return NotFound();
        }
        UserName = userName;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return NotFound();
        }
        UserName = user.UserName;
        if (!ModelState.IsValid)
        {
            return Page();
        }
        user.PasswordHash = hasher.HashPassword(user, Password);
        // Only that the password changed: never the password or its hash.
        db.Record(HttpContext.Actor(), AuditActions.UserChanged, "user", user.Id.ToString(),
            new { user.UserName, changed = new[] { "password" } }, clock);
        await db.SaveChangesAsync(ct);
        if (User.UserId() == user.Id)
        {
            // A new password ends every session of the user; administrators resetting their own keep this one.
            await HttpContext.SignInAsync(SiteAuthentication.CookieScheme, UserPrincipal.Create(user));
        }
        TempData[nameof(IndexModel.Message)] = $"Reset the password of {user.UserName}.";
        return RedirectToPage("/Users/Index");
    }
}

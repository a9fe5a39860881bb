using System.ComponentModel.DataAnnotations;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Security;
using Connectors.Web.Security;
using Connectors.Web.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Web.Pages.Users;

public sealed class CreateModel(ConnectorsDbContext db, IPasswordHasher<UserAccount> hasher, TimeProvider clock) : PageModel
{
    [BindProperty, Required, StringLength(UserRules.MaximumNameLength), Display(Name = "User name")]
    public string UserName { get; set; } = "";

    [BindProperty, Required, StringLength(UserRules.MaximumNameLength), Display(Name = "Display name")]
    public string DisplayName { get; set; } = "";

    [BindProperty, EnumDataType(typeof(Role))]
    public Role Role { get; set; } = Role.ComplianceViewer;

    [BindProperty, Required, DataType(DataType.Password), Display(Name = "Initial password")]
    [StringLength(UserRules.MaximumPasswordLength, MinimumLength = UserRules.MinimumPasswordLength,
        ErrorMessage = "The password must be at least {2} characters long.")]
    public string Password { get; set; } = "";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var userName = UserRules.Normalize(UserName);
        if (ModelState.IsValid && !UserRules.IsValidUserName(userName))
        {
            ModelState.AddModelError(nameof(UserName), UserRules.UserNameError);
        }
        if (ModelState.IsValid && await db.Users.AnyAsync(u => u.UserName == userName, ct))
        {
            ModelState.AddModelError(nameof(UserName), $"A user named '{userName}' already exists.");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = new UserAccount
        {
            UserName = userName,
            DisplayName = DisplayName.Trim(),
            PasswordHash = "",
            Role = Role,
            CreatedAt = clock.GetUtcNow(),
        };
        user.PasswordHash = hasher.HashPassword(user, Password);
        db.Users.Add(user);
        db.Record(HttpContext.Actor(), AuditActions.UserCreated, "user", user.Id.ToString(),
            new { user.UserName, user.DisplayName, role = user.Role.ToString(), user.Enabled }, clock);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another administrator created the same name between the check and the insert.
            ModelState.AddModelError(nameof(UserName), $"A user named '{userName}' already exists.");
            return Page();
        }
        TempData[nameof(IndexModel.Message)] = $"Created user {user.UserName}.";
        return RedirectToPage("/Users/Index");
    }
}

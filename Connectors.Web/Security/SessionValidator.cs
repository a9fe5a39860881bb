using System.Security.Claims;
using Connectors.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Security;

/// <summary>
/// Checks every cookie against the <c>users</c> row: a disabled or deleted user is signed out, a changed
/// role or display name is picked up, and a password reset ends other sessions. One indexed read per
/// request is cheap next to keeping a removed administrator signed in for hours.
/// </summary>
public sealed class SessionValidator(ConnectorsDbContext db) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var user = principal?.UserId() is { } id
            ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, context.HttpContext.RequestAborted)
            : null;
        if (principal is null || user is not { Enabled: true }
            || principal.FindFirstValue(UserPrincipal.PasswordStampClaim) != UserPrincipal.PasswordStamp(user.PasswordHash))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(SiteAuthentication.CookieScheme);
            return;
        }
        if (!principal.IsInRole(user.Role.ToString()) || principal.DisplayName() != user.DisplayName)
        {
            context.ReplacePrincipal(UserPrincipal.Create(user));
            context.ShouldRenew = true;
        }
    }
}

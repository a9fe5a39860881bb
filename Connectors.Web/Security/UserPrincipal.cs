using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Connectors.Audit;
using Connectors.Security;

namespace Connectors.Web.Security;

/// <summary>The claims a signed-in user carries, and how pages read them back.</summary>
public static class UserPrincipal
{
    public const string DisplayNameClaim = "display_name";

    /// <summary>Changes when the password changes, so a reset ends every other session of that user.</summary>
    public const string PasswordStampClaim = "password_stamp";

    public static ClaimsPrincipal Create(UserAccount user) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
                new Claim(ClaimTypes.Name, user.UserName),
                new Claim(DisplayNameClaim, user.DisplayName),
                new Claim(ClaimTypes.Role, user.Role.ToString()),
                new Claim(PasswordStampClaim, PasswordStamp(user.PasswordHash)),
            ],
            SiteAuthentication.CookieScheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>
    /// A short digest of the stored hash rather than a separate security stamp column: the entity has none,
    /// and the hash already changes on every reset. The cookie is encrypted, and this reveals nothing usable.
    /// </summary>
    public static string PasswordStamp(string passwordHash) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(passwordHash)), 0, 8);

    public static Guid? UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static string DisplayName(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(DisplayNameClaim) ?? principal.Identity?.Name ?? "";

    public static bool IsGlobalAdministrator(this ClaimsPrincipal principal) =>
        principal.IsInRole(nameof(Role.GlobalAdministrator));

    /// <summary>Compliance Administrator or above: may change what the site shows, such as acknowledging alerts.</summary>
    public static bool CanConfigure(this ClaimsPrincipal principal) =>
        Policies.RolesAllowed(Role.ComplianceAdministrator).Any(principal.IsInRole);

    /// <summary>Whether the user's role includes <paramref name="role"/>'s duty (Global Administrators hold every duty).</summary>
    public static bool Can(this ClaimsPrincipal principal, Role role) =>
        Policies.RolesAllowed(role).Any(principal.IsInRole);
}

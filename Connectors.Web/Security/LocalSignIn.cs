using Connectors.Audit;
using Connectors.Data;
using Connectors.Security;
using Connectors.Web.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Security;

/// <summary>Signs a person in with a local account's user name and password.</summary>
public sealed class LocalSignIn(
    ConnectorsDbContext db, IPasswordHasher<UserAccount> hasher, TimeProvider clock, ILogger<LocalSignIn> logger)
{
    private static readonly UserAccount Decoy = new() { UserName = "", DisplayName = "", PasswordHash = "" };
    private static string? _decoyHash;

    /// <summary>
    /// Returns false for an unknown user, a disabled user and a wrong password alike. The hasher runs in
    /// every case, so the response time does not tell an attacker which names exist.
    /// </summary>
    public async Task<bool> SignInAsync(HttpContext http, string userName, string password)
    {
        var name = UserRules.Normalize(userName);
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == name, http.RequestAborted);
        _decoyHash ??= hasher.HashPassword(Decoy, Guid.NewGuid().ToString());
        var result = hasher.VerifyHashedPassword(user ?? Decoy, user?.PasswordHash ?? _decoyHash, password);
        if (user is not { Enabled: true } || result == PasswordVerificationResult.Failed)
        {
            logger.LogInformation("Sign-in failed for {UserName}", name);
            return false;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }
        user.LastSignInAt = clock.GetUtcNow();
        db.Record(new Actor(user.UserName, http.Connection.RemoteIpAddress?.ToString()),
            AuditActions.UserSignedIn, "user", user.Id.ToString(), clock: clock);
        await db.SaveChangesAsync(http.RequestAborted);

        await http.SignInAsync(SiteAuthentication.CookieScheme, UserPrincipal.Create(user));
        logger.LogInformation("{UserName} signed in", user.UserName);
        return true;
    }
}

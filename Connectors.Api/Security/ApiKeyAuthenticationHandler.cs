using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Connectors.Api.Security;

public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    /// <summary>The admin-api-key parameter: a Global Administrator key that is never stored in the database.</summary>
    [Required, MinLength(16)]
    public string AdminApiKey { get; set; } = "";
}

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header: the bootstrap admin key from configuration, or a named key
/// whose SHA-256 is in the database, active and not expired. The key itself is never logged.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<BootstrapOptions> bootstrap,
    ConnectorsDbContext db,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string BootstrapKeyName = "admin-api-key";

    /// <summary>Last use is written at most this often per key, so reads do not become writes.</summary>
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return AuthenticateResult.NoResult();
        }
        var hash = ApiKey.Hash(values[0]!);
        if (CryptographicOperations.FixedTimeEquals(hash, ApiKey.Hash(bootstrap.Value.AdminApiKey)))
        {
            return Success(BootstrapKeyName, BootstrapKeyName, Role.GlobalAdministrator);
        }

        var now = clock.GetUtcNow();
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash, Context.RequestAborted);
        if (key is null || !key.IsActive(now))
        {
            return AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
        }
        if (key.LastUsedAt is null || now - key.LastUsedAt > LastUseResolution)
        {
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }
        return Success($"apikey:{key.Name}", key.Id.ToString(), key.Role);
    }

    private AuthenticateResult Success(string name, string id, Role role)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Role, role.ToString())],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

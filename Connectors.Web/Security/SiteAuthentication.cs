using System.ComponentModel.DataAnnotations;
using Connectors.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace Connectors.Web.Security;

/// <summary>How people sign in to the site.</summary>
public enum AuthenticationMode
{
    /// <summary>User name and password checked against the <c>users</c> table.</summary>
    Local,
}

public sealed class SiteAuthenticationOptions
{
    public const string Section = "Authentication";

    [EnumDataType(typeof(AuthenticationMode))]
    public AuthenticationMode Mode { get; set; } = AuthenticationMode.Local;
}

/// <summary>
/// The one place that decides how the site authenticates. The session is always the cookie scheme below;
/// only how a person first proves who they are depends on <see cref="AuthenticationMode"/>.
/// Adding Entra ID single sign-on later means: a new <c>Oidc</c> mode that also calls
/// <c>AddOpenIdConnect(...)</c> with <c>SignInScheme = CookieScheme</c> and maps the token's app roles to
/// <see cref="Role"/> claims (see <see cref="UserPrincipal"/>), and a sign-in page that challenges that
/// scheme instead of showing the password form. Pages, policies and the session check stay as they are.
/// </summary>
public static class SiteAuthentication
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string SignInPath = "/sign-in";
    public const string SignOutPath = "/sign-out";
    public const string AccessDeniedPath = "/access-denied";

    public static IHostApplicationBuilder AddSiteAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SiteAuthenticationOptions>().BindConfiguration(SiteAuthenticationOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddScoped<SessionValidator>();
        builder.Services.AddAuthentication(CookieScheme)
            .AddCookie(CookieScheme, options =>
            {
                options.Cookie.Name = "Connectors.Session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.LoginPath = SignInPath;
                options.LogoutPath = SignOutPath;
                options.AccessDeniedPath = AccessDeniedPath;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                // Disabling, demoting or resetting a user takes effect on their next request.
                options.EventsType = typeof(SessionValidator);
            });

        // Local accounts are managed on the Users pages whatever the mode, so the hasher is always there.
        builder.Services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        var mode = builder.Configuration.GetValue(
            $"{SiteAuthenticationOptions.Section}:{nameof(SiteAuthenticationOptions.Mode)}", AuthenticationMode.Local);
        switch (mode)
        {
            case AuthenticationMode.Local:
                builder.Services.AddScoped<LocalSignIn>();
                break;
            default:
                throw new InvalidOperationException($"Authentication mode {mode} is not supported.");
        }

        // Every page needs a signed-in user with a role unless it opts out (sign-in and error pages).
        var authorization = builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(CookieScheme).RequireRole(Policies.RolesAllowed(Role.ComplianceViewer)).Build());
        foreach (var (policy, role) in Policies.All)
        {
            authorization.AddPolicy(policy, p => p.RequireRole(Policies.RolesAllowed(role)));
        }
        return builder;
    }
}

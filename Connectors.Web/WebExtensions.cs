using Connectors.Security;
using Connectors.Web.Alerts;
using Connectors.Web.Security;
using Connectors.Web.Users;

namespace Connectors.Web;

public static class WebExtensions
{
    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        // Database, Redis, the clock, and Data Protection keys in PostgreSQL (cookies survive restarts and replicas).
        builder.AddConnectorsCore();
        builder.AddSiteAuthentication();

        builder.Services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<AdminBootstrap>();
        builder.Services.AddScoped<OpenAlerts>();

        builder.Services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/Users", Policies.Administer);
            options.Conventions.AllowAnonymousToPage("/Account/SignIn");
            options.Conventions.AllowAnonymousToPage("/Account/AccessDenied");
            options.Conventions.AllowAnonymousToPage("/Error");
            options.Conventions.AllowAnonymousToPage("/StatusCode");
        });
        return builder;
    }

    public static WebApplication UseWebPipeline(this WebApplication app)
    {
        app.UseExceptionHandler("/error");
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.Use(AddSecurityHeaders);
        // Static files come before authentication: the sign-in page needs its stylesheet.
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>
    /// Everything the site needs is served by itself (it must work offline), so the policy can forbid
    /// every other origin, inline script and framing.
    /// </summary>
    private static Task AddSecurityHeaders(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        return next(context);
    }
}

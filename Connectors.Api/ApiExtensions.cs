using System.Text.Json.Serialization;
using Connectors.Alerts;
using Connectors.Api.Security;
using Connectors.Data;
using Connectors.Security;
using Microsoft.AspNetCore.Authentication;
using Scalar.AspNetCore;

namespace Connectors.Api;

public static class ApiExtensions
{
    public static IHostApplicationBuilder AddApiServices(this IHostApplicationBuilder builder)
    {
        builder.AddConnectorsCore();
        // The Api owns the schema: migrations are applied before it starts serving (and so before it is healthy).
        builder.Services.AddHostedService<DatabaseMigrator>();
        // The Api checks for stale connectors and delivers alerts too, so a dead worker cannot silence them.
        builder.Services.AddAlerting();

        builder.Services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        var authorization = builder.Services.AddAuthorizationBuilder();
        foreach (var (policy, role) in Policies.All)
        {
            authorization.AddPolicy(policy, p => p.RequireRole(Policies.RolesAllowed(role)));
        }

        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<ApiKeySecurityTransformer>());
        return builder;
    }

    public static WebApplication UseApiPipeline(this WebApplication app)
    {
        // Every error, including 401/403/404 without a body and unhandled exceptions, is ProblemDetails.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>OpenAPI document and the Scalar UI, which is served from the package itself (works offline).</summary>
    public static WebApplication MapApiDocuments(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(o => o
            .WithTitle("Connectors API")
            .AddPreferredSecuritySchemes(ApiKeyAuthenticationHandler.SchemeName)
            .DisableDefaultFonts()).AllowAnonymous();
        return app;
    }
}

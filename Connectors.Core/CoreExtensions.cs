using Connectors.Credentials;
using Connectors.Data;
using Connectors.Imports;
using Connectors.Sources.Files;
using Connectors.Sources.Http;
using Connectors.Sources.Slack.Api;
using Connectors.Sources.Hr;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Connectors;

public static class CoreExtensions
{
    /// <summary>What every service needs: the database, Redis, credential protection and the clock.</summary>
    public static IHostApplicationBuilder AddConnectorsCore(this IHostApplicationBuilder builder)
    {
        builder.AddConnectorsData();
        builder.AddRedisClient(ResourceNames.Redis);
        builder.Services.AddCredentialProtection();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>The import pipeline and its sources: one registration line per source.</summary>
    /// <summary>The worker's governance loop: retention sweeps, integrity checks and policy re-evaluations.</summary>
    public static IServiceCollection AddGovernance(this IServiceCollection services)
    {
        services.AddOptions<Governance.GovernanceOptions>().BindConfiguration(Governance.GovernanceOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        // Insider-risk windows and thresholds (section "InsiderRisk"); invalid values stop the worker at start.
        services.AddOptions<InsiderRisk.InsiderRiskSettings>().BindConfiguration("InsiderRisk")
            .Validate(s => s.Validate().Count == 0, "InsiderRisk settings are invalid (see InsiderRiskSettings.Validate).").ValidateOnStart();
        services.AddHostedService<Governance.GovernanceService>();
        return services;
    }

    public static IServiceCollection AddImportPipeline(this IServiceCollection services)
    {
        services.AddScoped<ImportRunner>();
        services.AddSourceHttp();
        services.AddSingleton<SlackApiImporter>();
        services.AddSingleton<IConnectorSource, HrSignalSource>();
        services.AddSingleton<IConnectorSource, Sources.Badging.BadgingSignalSource>();
        services.AddSingleton<IConnectorSource, Sources.Zoom.ZoomSource>();
        services.AddSingleton<IConnectorSource, Sources.Jabber.JabberSource>();
        services.AddSingleton<IConnectorSource, Sources.Social.X.XSource>();
        services.AddSingleton<IConnectorSource, Sources.Social.Facebook.FacebookSource>();
        services.AddSingleton<IConnectorSource, Sources.Social.LinkedIn.LinkedInSource>();
        foreach (var type in VendorParsers.Types)
        {
            services.AddSingleton<IConnectorSource>(sp => ActivatorUtilities.CreateInstance<VendorFileSource>(sp, type));
        }
        return services;
    }
}

using Microsoft.Extensions.Configuration;
using Connectors.AppHost.Infrastructure;

namespace Connectors.AppHost;

public static class ServicesExtensions
{
    /// <summary>
    /// The Api owns the database migrations; the Worker and the Web site wait until it is healthy, which
    /// it only becomes after the schema is current.
    /// </summary>
    public static void AddConnectorsServices(this IDistributedApplicationBuilder builder, ConnectorsInfrastructure infra)
    {
        var api = builder.AddProject<Projects.Connectors_Api>(ResourceNames.Api)
            .WithInfrastructure(infra)
            .WithEnvironment("Bootstrap__AdminApiKey", infra.AdminApiKey)
            .WithExternalHttpEndpoints()
            .WithHttpHealthCheck("/health");

        var workerReplicas = builder.Configuration.GetValue("Infrastructure:WorkerReplicas", 1);
        builder.AddProject<Projects.Connectors_Worker>(ResourceNames.Worker)
            .WithInfrastructure(infra)
            .WithReplicas(Math.Max(1, workerReplicas))
            .WaitFor(api)
            .WithHttpHealthCheck("/health");

        builder.AddProject<Projects.Connectors_Web>(ResourceNames.Web)
            .WithInfrastructure(infra)
            .WithEnvironment("Bootstrap__AdminPassword", infra.AdminPassword)
            .WithReference(api)
            .WaitFor(api)
            .WithExternalHttpEndpoints()
            .WithHttpHealthCheck("/health");
    }

    private static IResourceBuilder<ProjectResource> WithInfrastructure(this IResourceBuilder<ProjectResource> project, ConnectorsInfrastructure infra)
    {
        project.WithReference(infra.Database, ResourceNames.Database)
            .WithReference(infra.Redis, ResourceNames.Redis)
            .WithEnvironment("Credentials__MasterKey", infra.MasterKey);
        foreach (var dependency in infra.WaitFor)
        {
            project.WaitFor(dependency);
        }
        return project;
    }
}

using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests;

/// <summary>
/// Starts the real AppHost (local PostgreSQL and Redis processes, Api, Worker, status site) on a
/// throw-away data directory, as `./run.sh` would on a machine without a container engine.
/// </summary>
internal static class StackRunner
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public static async Task<DistributedApplication> StartAsync(string dataDirectory, int workerReplicas = 1, params string[] extraArgs)
    {
        string[] args =
        [
            "--Infrastructure:Mode=local",
            $"--Infrastructure:DataDirectory={dataDirectory}",
            $"--Infrastructure:WorkerReplicas={workerReplicas}",
            .. extraArgs,
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Connectors_AppHost>(args);
        var app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await app.StartAsync(timeout.Token);
        foreach (var resource in new[] { ResourceNames.Api, ResourceNames.Worker, ResourceNames.Web })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
        return app;
    }

    /// <summary>Secrets the AppHost generated on first start and keeps beside the data.</summary>
    public static string Secret(string dataDirectory, string name) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(dataDirectory, "secrets.json")))![name];

    public static HttpClient CreateApiClient(this DistributedApplication app, string apiKey)
    {
        var client = app.CreateHttpClient(ResourceNames.Api);
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }
}

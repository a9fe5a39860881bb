using Connectors.Data;
using Connectors.Imports;
using Connectors.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Connectors.Tests.Infrastructure;

/// <summary>
/// The worker's wiring (Core services, import pipeline, optionally the scheduler) in a host of its own,
/// so a test can run one or two "workers" against the same PostgreSQL and Redis.
/// </summary>
public static class WorkerHost
{
    public static IHost Create(string connectionString, string redisConnectionString, bool withScheduler = false,
        Action<IServiceCollection>? configure = null, string? workerId = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceNames.Database}"] = connectionString,
            [$"ConnectionStrings:{ResourceNames.Redis}"] = redisConnectionString,
            ["Credentials:MasterKey"] = ApiFactory.MasterKey,
            ["Scheduler:PollInterval"] = "00:00:00.200",
            ["Scheduler:WorkerId"] = workerId,
        });
        builder.AddConnectorsCore();
        builder.Services.AddImportPipeline();
        if (withScheduler)
        {
            builder.Services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section);
            builder.Services.AddHostedService<ImportScheduler>();
        }
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>Runs one import of <paramref name="connectorId"/> the way the scheduler would.</summary>
    public static async Task<Runs.ImportRun?> RunOnceAsync(this IHost host, Guid connectorId, Runs.RunTrigger trigger = Runs.RunTrigger.Manual)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ImportRunner>().RunAsync(connectorId, trigger, "test-worker", CancellationToken.None);
    }

    public static ConnectorsDbContext Db(this IServiceScope scope) => scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>();
}

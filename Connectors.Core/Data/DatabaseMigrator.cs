using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Connectors.Data;

/// <summary>
/// Applies pending migrations before the Api starts serving. Only the Api runs this; the Worker and the
/// site wait for the Api to be healthy. EF Core takes a database lock while migrating, so even several
/// Api replicas cannot race each other.
/// </summary>
public sealed class DatabaseMigrator(IServiceProvider services, ILogger<DatabaseMigrator> logger) : IHostedService
{
    private static readonly ActivitySource Source = new("Connectors");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity("Migrate database");
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        logger.LogInformation("Database schema is current ({Applied} migrations applied)", pending.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

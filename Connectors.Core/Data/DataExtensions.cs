using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Connectors.Data;

public static class DataExtensions
{
    /// <summary>
    /// Registers the DbContext through the Aspire integration. Its retrying execution strategy is off
    /// because imports run their own transactions (items and cursor commit together); the import
    /// pipeline decides what to retry.
    /// </summary>
    public static IHostApplicationBuilder AddConnectorsData(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<ConnectorsDbContext>(ResourceNames.Database,
            settings => settings.DisableRetry = true,
            options => options.UseSnakeCaseNamingConvention());
        return builder;
    }

    /// <summary>Options for code that builds its own context (tests, benchmarks, design-time tools).</summary>
    public static DbContextOptions<ConnectorsDbContext> CreateOptions(string connectionString) =>
        new DbContextOptionsBuilder<ConnectorsDbContext>()
            .UseNpgsql(connectionString)
            .UseSnakeCaseNamingConvention()
            .Options;
}

/// <summary>Lets `dotnet ef migrations add` build the model without a running database.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ConnectorsDbContext>
{
    public ConnectorsDbContext CreateDbContext(string[] args) =>
        new(DataExtensions.CreateOptions("Host=localhost;Database=connectorsdb;Username=postgres"));
}

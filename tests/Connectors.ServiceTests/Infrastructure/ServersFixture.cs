using Connectors.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Tests.Infrastructure;

/// <summary>One PostgreSQL and Redis pair per test run; each test class takes its own database.</summary>
public sealed class ServersFixture : LocalServers
{
    /// <summary>Creates an empty database with the current schema (as the Api's migrator leaves it).</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 60)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        await using var db = new ConnectorsDbContext(DataExtensions.CreateOptions(ConnectionString(name)));
        await db.Database.MigrateAsync();
        return ConnectionString(name);
    }

}

[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<ServersFixture>
{
    public const string Name = "servers";
}

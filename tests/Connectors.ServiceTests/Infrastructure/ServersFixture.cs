using Connectors.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Tests.Infrastructure;

/// <summary>One PostgreSQL and Redis pair per test run; each test takes a database of its own.</summary>
public sealed class ServersFixture : LocalServers
{
    private const string Template = "connectors_template";
    private readonly SemaphoreSlim _templateLock = new(1, 1);
    private bool _templateReady;

    /// <summary>
    /// Creates a database with the current schema, as the Api's migrator leaves it. The migrations run
    /// once into a template database; every test database is a copy of it.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        await EnsureTemplateAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 60)].ToLowerInvariant();
        await ExecuteAsync($"CREATE DATABASE \"{name}\" TEMPLATE {Template}");
        return ConnectionString(name);
    }

    private async Task EnsureTemplateAsync()
    {
        await _templateLock.WaitAsync();
        try
        {
            if (_templateReady)
            {
                return;
            }
            await ExecuteAsync($"CREATE DATABASE {Template}");
            await using (var db = new ConnectorsDbContext(DataExtensions.CreateOptions(ConnectionString(Template))))
            {
                await db.Database.MigrateAsync();
            }
            // A template can only be copied while nobody is connected to it.
            NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString(Template)));
            _templateReady = true;
        }
        finally
        {
            _templateLock.Release();
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<ServersFixture>
{
    public const string Name = "servers";
}

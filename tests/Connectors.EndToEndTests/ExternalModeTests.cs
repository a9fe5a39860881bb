using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Connectors.Tests;

/// <summary>The production shape: PostgreSQL and Redis run elsewhere and come in as connection strings.</summary>
public sealed class ExternalModeTests
{
    [Fact]
    public async Task ExternalConnectionStringsAreUsedAndTheSchemaIsCreatedThere()
    {
        await using var servers = new LocalServers();
        await servers.InitializeAsync();
        var data = RepositoryPaths.NewTempDirectory("connectors-external");
        try
        {
            await using var app = await StackRunner.StartAsync(data, 1,
                "--Infrastructure:Mode=external",
                $"--ConnectionStrings:{ResourceNames.Database}={servers.ConnectionString("connectors_external")}",
                $"--ConnectionStrings:{ResourceNames.Redis}={servers.RedisConnectionString}");

            using var client = app.CreateApiClient(StackRunner.Secret(data, ResourceNames.AdminApiKeyParameter));
            var created = await client.PostAsJsonAsync("/api/compliance/connectors", new { name = "External HR", type = "HR" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);

            // The row is in the external database, and no local server was started beside it.
            await using var connection = new Npgsql.NpgsqlConnection(servers.ConnectionString("connectors_external"));
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM connectors WHERE name = 'External HR'", connection);
            Assert.Equal(1L, await command.ExecuteScalarAsync());
            Assert.False(Directory.Exists(Path.Combine(data, "postgres")));
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            await ImportEndToEndTests.PollAsync(() => client.GetFromJsonAsync<JsonElement>($"/api/compliance/connectors/{id}/status"),
                s => s.GetProperty("status").GetString() == "Active");
        }
        finally
        {
            StackFixture.TryDelete(data);
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Connectors.Tests;

/// <summary>A compliance archive must survive a restart, and scripts must keep their keys.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task RestartingOnTheSameDataKeepsConnectorsAndKeys()
    {
        var data = RepositoryPaths.NewTempDirectory("connectors-restart");
        try
        {
            string connectorId, issuedKey, adminKey;
            await using (var first = await StackRunner.StartAsync(data))
            {
                adminKey = StackRunner.Secret(data, ResourceNames.AdminApiKeyParameter);
                using var client = first.CreateApiClient(adminKey);
                var created = await client.PostAsJsonAsync("/api/compliance/connectors", new { name = "Survivor", type = "HR" });
                connectorId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                var key = await client.PostAsJsonAsync("/api/compliance/apikeys", new { name = "script", role = "ComplianceViewer" });
                issuedKey = (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
            }

            await using var second = await StackRunner.StartAsync(data);

            Assert.Equal(adminKey, StackRunner.Secret(data, ResourceNames.AdminApiKeyParameter));
            using var admin = second.CreateApiClient(adminKey);
            var status = await admin.GetAsync($"/api/compliance/connectors/{connectorId}/status");
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            using var script = second.CreateApiClient(issuedKey);
            var list = await script.GetFromJsonAsync<JsonElement>("/api/compliance/connectors");
            Assert.Contains(list.GetProperty("items").EnumerateArray(), c => c.GetProperty("name").GetString() == "Survivor");
        }
        finally
        {
            StackFixture.TryDelete(data);
        }
    }

    [Fact]
    public async Task AnAdminKeySuppliedAsAParameterIsUsedInsteadOfTheGeneratedOne()
    {
        var data = RepositoryPaths.NewTempDirectory("connectors-param");
        try
        {
            const string supplied = "supplied-admin-key-0123456789";
            await using var app = await StackRunner.StartAsync(data, 1, $"--Parameters:{ResourceNames.AdminApiKeyParameter}={supplied}");

            using var client = app.CreateApiClient(supplied);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/compliance/connectors")).StatusCode);
            Assert.False(File.ReadAllText(Path.Combine(data, "secrets.json")).Contains(ResourceNames.AdminApiKeyParameter),
                "a supplied key is not written to the secrets file");
        }
        finally
        {
            StackFixture.TryDelete(data);
        }
    }
}

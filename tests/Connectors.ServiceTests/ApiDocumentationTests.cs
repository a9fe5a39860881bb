using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Connectors.Tests.Infrastructure;

namespace Connectors.Tests;

[Collection(ServersCollection.Name)]
public sealed partial class ApiDocumentationTests(ServersFixture servers) : IAsyncLifetime
{
    private ApiFactory _api = null!;

    public async Task InitializeAsync() => _api = new ApiFactory(await servers.CreateDatabaseAsync("docs"), servers.RedisConnectionString);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheConnectorRoutesAndTheApiKeyHeader()
    {
        using var client = _api.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/compliance/connectors", "/api/compliance/connectors/{id}/status", "/api/compliance/connectors/{id}/history", "/api/compliance/connectors/{id}/signals" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
    }

    [Fact]
    public async Task TheScalarPageLoadsNothingFromTheInternet()
    {
        using var client = _api.CreateClient();
        var response = await client.GetAsync("/scalar");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var external = ExternalResource().Matches(html).Select(m => m.Value).ToList();
        Assert.Empty(external);
        // The script it does load is served by the Api itself.
        var script = LocalScript().Match(html);
        Assert.True(script.Success, html);
        var scriptResponse = await client.GetAsync(new Uri(new Uri("http://localhost/scalar/"), script.Groups["src"].Value));
        Assert.Equal(HttpStatusCode.OK, scriptResponse.StatusCode);
    }

    [GeneratedRegex("""(src|href)\s*=\s*["']https?://[^"']+""")]
    private static partial Regex ExternalResource();

    [GeneratedRegex("""<script[^>]+src\s*=\s*["'](?<src>[^"']+)["']""")]
    private static partial Regex LocalScript();
}

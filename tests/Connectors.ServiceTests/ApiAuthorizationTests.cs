using System.Net;
using System.Net.Http.Json;
using Connectors.Security;
using Connectors.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests;

/// <summary>Every route: no key → 401, a role that may not → 403, a role that may → neither.</summary>
[Collection(ServersCollection.Name)]
public sealed class ApiAuthorizationTests(ServersFixture servers) : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private readonly Dictionary<string, string> _keys = [];

    /// <summary>Method, route and the least role allowed; the {placeholders} are filled in by <see cref="Request"/>.</summary>
    public static readonly TheoryData<string, string, Role> Routes = new()
    {
        { "GET", "/api/compliance/connector-types", Role.ComplianceViewer },
        { "GET", "/api/compliance/connectors", Role.ComplianceViewer },
        { "GET", "/api/compliance/connectors/{id}", Role.ComplianceViewer },
        { "GET", "/api/compliance/connectors/{id}/status", Role.ComplianceViewer },
        { "GET", "/api/compliance/connectors/{id}/history", Role.ComplianceViewer },
        { "GET", "/api/compliance/connectors/{id}/history/{runId}/failures", Role.ComplianceViewer },
        { "GET", "/api/compliance/connectors/{id}/signals/uploads/{uploadId}", Role.ComplianceViewer },
        { "POST", "/api/compliance/connectors", Role.ComplianceAdministrator },
        { "PUT", "/api/compliance/connectors/{id}", Role.ComplianceAdministrator },
        { "DELETE", "/api/compliance/connectors/{id}", Role.ComplianceAdministrator },
        { "POST", "/api/compliance/connectors/{id}/run", Role.ComplianceAdministrator },
        { "POST", "/api/compliance/connectors/validate", Role.ComplianceAdministrator },
        { "POST", "/api/compliance/connectors/{id}/validate", Role.ComplianceAdministrator },
        { "POST", "/api/compliance/connectors/{id}/files", Role.ComplianceAdministrator },
        { "POST", "/api/compliance/connectors/{id}/signals", Role.ComplianceAdministrator },
        { "POST", "/api/compliance/connectors/{id}/signals/physicalbadging", Role.ComplianceAdministrator },
        { "GET", "/api/compliance/directory/accounts", Role.ComplianceViewer },
        { "GET", "/api/compliance/directory/accounts/{email}", Role.ComplianceViewer },
        { "POST", "/api/compliance/directory/accounts", Role.ComplianceAdministrator },
        { "POST", "/api/compliance/directory/accounts/import", Role.ComplianceAdministrator },
        { "GET", "/api/compliance/connectors/{id}/mappings", Role.ComplianceViewer },
        { "GET", "/api/compliance/connectors/{id}/mappings/{mappingId}", Role.ComplianceViewer },
        { "POST", "/api/compliance/connectors/{id}/mappings", Role.ComplianceAdministrator },
        { "DELETE", "/api/compliance/connectors/{id}/mappings/{mappingId}", Role.ComplianceAdministrator },
        { "POST", "/api/compliance/connectors/{id}/mappings/import", Role.ComplianceAdministrator },
        { "GET", "/api/compliance/connectors/{id}/mapping-settings", Role.ComplianceViewer },
        { "PUT", "/api/compliance/connectors/{id}/mapping-settings", Role.ComplianceAdministrator },
        { "GET", "/api/compliance/connectors/{id}/unmapped", Role.ComplianceViewer },
        { "GET", "/api/compliance/connectors/{id}/quarantine", Role.ComplianceViewer },
        { "GET", "/api/compliance/apikeys", Role.GlobalAdministrator },
        { "POST", "/api/compliance/apikeys", Role.GlobalAdministrator },
        { "DELETE", "/api/compliance/apikeys/{keyId}", Role.GlobalAdministrator },
        { "GET", "/api/compliance/audit", Role.GlobalAdministrator },
        { "GET", "/api/compliance/insider-risk/alerts", Role.InsiderRiskAnalyst },
        { "GET", "/api/compliance/insider-risk/alerts/{alertId}", Role.InsiderRiskAnalyst },
        { "POST", "/api/compliance/insider-risk/alerts/{alertId}/triage", Role.InsiderRiskAnalyst },
        { "GET", "/api/compliance/alerts", Role.ComplianceViewer },
        { "POST", "/api/compliance/alerts/{alertId}/acknowledge", Role.ComplianceAdministrator },
        { "POST", "/api/compliance/alerts/{alertId}/resolve", Role.ComplianceAdministrator },
        { "GET", "/api/compliance/alerts/webhook", Role.GlobalAdministrator },
        { "PUT", "/api/compliance/alerts/webhook", Role.GlobalAdministrator },
    };

    public async Task InitializeAsync()
    {
        _api = new ApiFactory(await servers.CreateDatabaseAsync("authz"), servers.RedisConnectionString);
        foreach (var role in Enum.GetValues<Role>())
        {
            _keys[role.ToString()] = await _api.IssueKeyAsync(role);
        }
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task EveryRouteRefusesCallersWithoutAKeyAndRolesBelowItsMinimum(string method, string route, Role minimum)
    {
        using (var anonymous = _api.CreateClient())
        {
            var response = await anonymous.SendAsync(Request(method, route));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        foreach (var role in Enum.GetValues<Role>())
        {
            using var client = _api.CreateClient(_keys[role.ToString()]);
            var response = await client.SendAsync(Request(method, route));
            if (!role.Includes(minimum))
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
            else
            {
                Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                    $"{role} was refused {method} {route}: {(int)response.StatusCode}");
            }
        }
    }

    [Fact]
    public void EveryApiRouteIsCoveredByTheAuthorizationTable()
    {
        var covered = Routes.Select(r => $"{r[0]} {r[1]}").ToHashSet();
        var mapped = _api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/") == true)
            // Governance routes have their own table (duties that are not tiers): GovernanceAuthorizationTests.
            .Where(e => !GovernanceApi.GovernanceAuthorizationTests.IsGovernanceRoute(e.RoutePattern.RawText!))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
                $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToList();
        Assert.NotEmpty(mapped);
        Assert.All(mapped, route => Assert.Contains(route, covered));
    }

    [Fact]
    public async Task ARevokedKeyNoLongerAuthenticates()
    {
        var key = await _api.IssueKeyAsync(Role.ComplianceViewer, "to be revoked");
        using var client = _api.CreateClient(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/compliance/connectors")).StatusCode);

        using var admin = _api.CreateAdminClient();
        var keys = await admin.GetFromJsonAsync<List<Api.ApiKeys.ApiKeyDto>>("/api/compliance/apikeys", Json.Options);
        var issued = keys!.Single(k => k.Name == "to be revoked");
        Assert.NotNull(issued.LastUsedAt);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/compliance/apikeys/{issued.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/compliance/connectors")).StatusCode);
    }

    private static string Normalize(string pattern) =>
        pattern.Replace(":guid", "").Replace(":long", "").TrimEnd('/').Replace("/apikeys/{id}", "/apikeys/{keyId}").Replace("/alerts/{id}", "/alerts/{alertId}");

    private static HttpRequestMessage Request(string method, string route)
    {
        // Real ids are not needed: authorization is decided before the handler looks anything up.
        var path = route.Replace("{id}", Guid.NewGuid().ToString()).Replace("{runId}", "1")
            .Replace("{uploadId}", Guid.NewGuid().ToString()).Replace("{keyId}", Guid.NewGuid().ToString()).Replace("{alertId}", "1")
            .Replace("{mappingId}", "1").Replace("{email}", "someone@example.com");
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" && !path.EndsWith("/signals") && !path.EndsWith("/import"))
        {
            request.Content = JsonContent.Create(new { });
        }
        else if (path.EndsWith("/signals"))
        {
            request.Content = new MultipartFormDataContent { { new StringContent("EmailAddress,ResignationDate,LastWorkingDate\n"), "file", "hr.csv" } };
        }
        else if (path.EndsWith("/import"))
        {
            request.Content = new MultipartFormDataContent { { new StringContent("Email,DisplayName\n"), "file", "import.csv" } };
        }
        return request;
    }
}

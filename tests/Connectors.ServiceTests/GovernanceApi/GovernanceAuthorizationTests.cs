using System.Net;
using System.Net.Http.Json;
using Connectors.Security;
using Connectors.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests.GovernanceApi;

/// <summary>
/// Every governance route against every role: no key → 401, a role without the duty → 403, a role with it →
/// neither. The review queue is for reviewers only: a compliance administrator (who writes the policies) is refused.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class GovernanceAuthorizationTests(ServersFixture servers) : GovernanceApiTestBase(servers, "govauthz")
{
    private static readonly Role[] Configure = [Role.ComplianceAdministrator, Role.GlobalAdministrator];
    private static readonly Role[] ConfigureOrReview = [Role.ComplianceAdministrator, Role.GlobalAdministrator, Role.ComplianceReviewer];
    private static readonly Role[] Review = [Role.ComplianceReviewer, Role.GlobalAdministrator];
    private static readonly Role[] Administer = [Role.GlobalAdministrator];

    /// <summary>Method, route and the roles allowed; the {placeholders} are filled in by <see cref="Request"/>.</summary>
    public static readonly TheoryData<string, string, Role[]> Routes = new()
    {
        { "GET", "/api/compliance/retention/policies", Configure },
        { "GET", "/api/compliance/retention/policies/{id}", Configure },
        { "POST", "/api/compliance/retention/policies", Configure },
        { "PUT", "/api/compliance/retention/policies/{id}", Configure },
        { "DELETE", "/api/compliance/retention/policies/{id}", Configure },
        { "GET", "/api/compliance/retention/reviews", Configure },
        { "POST", "/api/compliance/retention/reviews/{itemId}/decision", Configure },
        { "GET", "/api/compliance/holds", Configure },
        { "GET", "/api/compliance/holds/{id}", Configure },
        { "POST", "/api/compliance/holds", Configure },
        { "POST", "/api/compliance/holds/{id}/release", Configure },
        { "GET", "/api/compliance/dlp/types", Configure },
        { "GET", "/api/compliance/dlp/types/{typeId}", Configure },
        { "POST", "/api/compliance/dlp/types", Configure },
        { "DELETE", "/api/compliance/dlp/types/{typeId}", Configure },
        { "GET", "/api/compliance/dlp/policies", Configure },
        { "GET", "/api/compliance/dlp/policies/{id}", Configure },
        { "POST", "/api/compliance/dlp/policies", Configure },
        { "PUT", "/api/compliance/dlp/policies/{id}", Configure },
        { "POST", "/api/compliance/dlp/policies/{id}/evaluate", Configure },
        { "GET", "/api/compliance/dlp/matches", Configure },
        { "GET", "/api/compliance/supervision/lexicons", ConfigureOrReview },
        { "GET", "/api/compliance/supervision/lexicons/built-in", ConfigureOrReview },
        { "GET", "/api/compliance/supervision/lexicons/{id}", ConfigureOrReview },
        { "POST", "/api/compliance/supervision/lexicons", Configure },
        { "PUT", "/api/compliance/supervision/lexicons/{id}", Configure },
        { "GET", "/api/compliance/supervision/policies", ConfigureOrReview },
        { "GET", "/api/compliance/supervision/policies/{id}", ConfigureOrReview },
        { "POST", "/api/compliance/supervision/policies", Configure },
        { "PUT", "/api/compliance/supervision/policies/{id}", Configure },
        { "POST", "/api/compliance/supervision/policies/{id}/evaluate", Configure },
        { "GET", "/api/compliance/supervision/queue", Review },
        { "GET", "/api/compliance/supervision/queue/{reviewId}", Review },
        { "POST", "/api/compliance/supervision/queue/{reviewId}/actions", Review },
        { "GET", "/api/compliance/governance/evaluations/{evaluationId}", Configure },
        { "POST", "/api/compliance/integrity/checks", Administer },
        { "GET", "/api/compliance/integrity/checks", Administer },
        { "GET", "/api/compliance/integrity/checks/{checkId}", Administer },
        { "GET", "/api/compliance/audit", Administer },
    };

    private static readonly string[] GovernancePrefixes =
    [
        "/api/compliance/retention", "/api/compliance/holds", "/api/compliance/dlp", "/api/compliance/supervision",
        "/api/compliance/governance", "/api/compliance/integrity", "/api/compliance/audit",
    ];

    /// <summary>Whether this table covers a route (so the Api-wide table, whose roles are tiers, can leave it out).</summary>
    public static bool IsGovernanceRoute(string routePattern) => GovernancePrefixes.Any(routePattern.StartsWith);

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task EachRoleReachesExactlyTheGovernanceRoutesOfItsDuties(string method, string route, Role[] allowed)
    {
        using (var anonymous = Api.CreateClient())
        {
            var response = await anonymous.SendAsync(Request(method, route));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        foreach (var role in Enum.GetValues<Role>())
        {
            var response = await (await As(role)).SendAsync(Request(method, route));
            if (allowed.Contains(role))
            {
                Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                    $"{role} was refused {method} {route}: {(int)response.StatusCode}");
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role} was not refused {method} {route}: {(int)response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    [Fact]
    public void EveryGovernanceRouteIsInTheTable()
    {
        var covered = Routes.Select(r => $"{r[0]} {r[1]}").ToHashSet();
        var mapped = Api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && IsGovernanceRoute(raw))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToList();
        Assert.Equal(Routes.Count(), mapped.Count);
        Assert.All(mapped, route => Assert.Contains(route, covered));
    }

    /// <summary>The route table's placeholder names for the ids each group uses.</summary>
    private static string Normalize(string pattern)
    {
        var route = pattern.Replace(":guid", "").Replace(":long", "").TrimEnd('/');
        return route
            .Replace("/dlp/types/{id}", "/dlp/types/{typeId}")
            .Replace("/queue/{id}", "/queue/{reviewId}")
            .Replace("/evaluations/{id}", "/evaluations/{evaluationId}")
            .Replace("/checks/{id}", "/checks/{checkId}");
    }

    private static HttpRequestMessage Request(string method, string route)
    {
        // Real ids are not needed: authorization is decided before the handler looks anything up.
        var path = route.Replace("{id}", Guid.NewGuid().ToString()).Replace("{itemId}", "1").Replace("{typeId}", "custom:nothing")
            .Replace("{reviewId}", "1").Replace("{evaluationId}", "1").Replace("{checkId}", "1");
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(new { });
        }
        return request;
    }
}

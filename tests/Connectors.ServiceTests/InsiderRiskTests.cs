using System.Net;
using System.Net.Http.Json;
using System.Text;
using Connectors.Api.Connectors;
using Connectors.Api.InsiderRisk;
using Connectors.Audit;
using Connectors.InsiderRisk;
using Connectors.Runs;
using Connectors.Security;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Connectors.Tests;

/// <summary>HR and badging signals pushed through the real endpoints, correlated into insider-risk alerts, triaged by an analyst.</summary>
[Collection(ServersCollection.Name)]
public sealed class InsiderRiskTests(ServersFixture servers) : IAsyncLifetime
{
    private static readonly DateTimeOffset Today = new(DateTimeOffset.UtcNow.Date, TimeSpan.Zero);
    private ApiFactory _api = null!;
    private IHost _worker = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        var database = await servers.CreateDatabaseAsync("insiderrisk");
        _api = new ApiFactory(database, servers.RedisConnectionString);
        _admin = _api.CreateAdminClient();
        _worker = WorkerHost.Create(database, servers.RedisConnectionString);
        foreach (var email in new[] { "alice@contoso.com", "bob@contoso.com" })
        {
            (await _admin.PostAsJsonAsync("/api/compliance/directory/accounts", new { email, displayName = email })).EnsureSuccessStatusCode();
        }
    }

    public async Task DisposeAsync()
    {
        _worker.Dispose();
        _admin.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task AResignationFollowedByAfterHoursBadgeAccessBecomesOneExplainedAlertThatAnAnalystTriages()
    {
        var resigned = Today.AddDays(-5);
        var hr = await CreateConnectorAsync("HR");
        var csv = $"EmailAddress,ResignationDate,LastWorkingDate\nalice@contoso.com,{resigned:yyyy-MM-dd}T09:00:00Z,\n";
        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "hr.csv" } };
        Assert.Equal(HttpStatusCode.Accepted, (await _admin.PostAsync($"/api/compliance/connectors/{hr}/signals", form)).StatusCode);
        await _worker.RunOnceAsync(hr, RunTrigger.Upload);
        var badges = await CreateConnectorAsync("PhysicalBadging");
        var lateNight = resigned.AddDays(2).AddHours(23).AddMinutes(30);
        var body = $$"""
            [{"UserId":"alice@contoso.com","AssetId":"Vault-2","AssetName":"Records room","EventTime":"{{lateNight:yyyy-MM-ddTHH:mm:ss}}Z","AccessStatus":"Success"},
             {"UserId":"bob@contoso.com","AssetId":"Vault-2","EventTime":"{{lateNight:yyyy-MM-ddTHH:mm:ss}}Z","AccessStatus":"Success"}]
            """;
        var push = await _admin.PostAsync($"/api/compliance/connectors/{badges}/signals/physicalbadging", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        await _worker.RunOnceAsync(badges, RunTrigger.Upload);

        await using (var db = _api.CreateDbContext())
        {
            Assert.Equal((1, 0), await InsiderRiskEvaluation.RunAsync(db, InsiderRiskSettings.Default, DateTimeOffset.UtcNow, CancellationToken.None));
        }
        await using (var db = _api.CreateDbContext())
        {
            // Re-running over the same signals opens nothing new.
            Assert.Equal((0, 0), await InsiderRiskEvaluation.RunAsync(db, InsiderRiskSettings.Default, DateTimeOffset.UtcNow, CancellationToken.None));
        }

        using var analyst = _api.CreateClient(await _api.IssueKeyAsync(Role.InsiderRiskAnalyst));
        var page = await analyst.GetFromJsonAsync<Page<RiskAlertDto>>("/api/compliance/insider-risk/alerts", Json.Options);
        var alert = Assert.Single(page!.Items);
        Assert.Equal((RiskPolicies.DepartingEmployee, "alice@contoso.com", RiskSeverity.Medium, RiskState.Open),
            (alert.Policy, alert.Account, alert.Severity, alert.State));
        Assert.Contains("Records room", alert.Contributions.GetRawText());
        Assert.Contains(alert.Contributions.EnumerateArray(), c => c.GetProperty("kind").GetString() == RiskContributionKinds.Resignation);

        var confirmed = await analyst.PostAsJsonAsync($"/api/compliance/insider-risk/alerts/{alert.Id}/triage", new { state = "Confirmed", notes = "Matches HR case 42" });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var skipped = await analyst.PostAsJsonAsync($"/api/compliance/insider-risk/alerts/{alert.Id}/triage", new { state = "Dismissed" });
        Assert.Equal(HttpStatusCode.Conflict, skipped.StatusCode);
        using var compliance = _api.CreateClient(await _api.IssueKeyAsync(Role.ComplianceAdministrator));
        Assert.Equal(HttpStatusCode.Forbidden, (await compliance.GetAsync("/api/compliance/insider-risk/alerts")).StatusCode);
        await using var check = _api.CreateDbContext();
        var audit = await check.AuditRecords.SingleAsync(a => a.Action == AuditActions.RiskAlertTriaged);
        Assert.Contains("Matches HR case 42", audit.Details);
        Assert.Equal(RiskState.Confirmed, (await check.RiskAlerts.SingleAsync()).State);
    }

    private async Task<Guid> CreateConnectorAsync(string type)
    {
        var response = await _admin.PostAsJsonAsync("/api/compliance/connectors", new { name = $"{type} {Guid.NewGuid():N}", type });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options))!.Id;
    }
}

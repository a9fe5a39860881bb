using System.Net;
using System.Net.Http.Json;
using System.Text;
using Connectors.Api.Connectors;
using Connectors.Api.Governance;
using Connectors.Audit;
using Connectors.Governance;
using Connectors.Governance.Dlp;
using Connectors.Security;
using Connectors.Tests.Infrastructure;

namespace Connectors.Tests.GovernanceApi;

/// <summary>Sensitive information types, DLP policies, evaluation on demand and the masked matches list.</summary>
[Collection(ServersCollection.Name)]
public sealed class DlpApiTests(ServersFixture servers) : GovernanceApiTestBase(servers, "govdlp")
{
    [Fact]
    public async Task BuiltInAndCustomTypesAreListedAndACustomTypeIsAudited()
    {
        var client = await As(Role.ComplianceAdministrator);

        var created = await ReadAsync<DlpTypeDto>(await client.PostAsJsonAsync("/api/compliance/dlp/types",
            new { name = " Employee ID ", pattern = @"\bEMP-\d{6}\b", keywords = new[] { "employee", "staff number" } }), HttpStatusCode.Created);
        var duplicate = await client.PostAsJsonAsync("/api/compliance/dlp/types", new { name = "employee id", pattern = @"\d+" });
        var types = await client.GetFromJsonAsync<List<DlpTypeDto>>("/api/compliance/dlp/types", Json.Options);

        Assert.Equal(("custom:Employee ID", true), (created.Id, created.IsCustom));
        await AssertFieldProblemAsync(duplicate, HttpStatusCode.Conflict, "name");
        var card = types!.Single(t => t.Id == "credit-card");
        Assert.False(card.IsCustom);
        Assert.Contains("visa", card.Keywords);
        Assert.Equal(["employee", "staff number"], types!.Single(t => t.Id == "custom:Employee ID").Keywords);
        var audit = Assert.Single(await AuditOfAsync("custom:Employee ID"));
        Assert.Equal((AuditActions.DlpTypeChanged, ActorOf(Role.ComplianceAdministrator)), (audit.Action, audit.Actor));
    }

    [Theory]
    [InlineData(@"(?<=salary )\d+", "construct that is not allowed")]
    [InlineData(@"EMP-(\d+", "not a valid regular expression")]
    [InlineData(@"\d*", "matches empty text")]
    public async Task ABadPatternIsRefusedNamingThePatternAndSayingWhy(string pattern, string why)
    {
        var response = await Admin.PostAsJsonAsync("/api/compliance/dlp/types", new { name = "Bad", pattern });

        var message = await AssertFieldProblemAsync(response, HttpStatusCode.BadRequest, "pattern");
        Assert.Contains(why, message);
    }

    [Fact]
    public async Task APolicyIsValidatedCreatedChangedEvaluatedOnDemandAndKeepsItsTypesInUse()
    {
        var connector = await AddConnectorAsync();
        (await Admin.PostAsJsonAsync("/api/compliance/dlp/types", new { name = "Employee ID", pattern = @"EMP-\d{6}" })).EnsureSuccessStatusCode();
        var client = await As(Role.ComplianceAdministrator);

        var policy = await ReadAsync<DlpPolicyDto>(await client.PostAsJsonAsync("/api/compliance/dlp/policies", new
        {
            name = "Cards and staff ids", infoTypes = new[] { "Credit-Card", "custom:employee id" }, connectorIds = new[] { connector },
            sourceTypes = new[] { "slack" }, minimumCount = 2, minimumConfidence = "High", action = "Alert",
        }), HttpStatusCode.Created);
        var changed = await ReadAsync<DlpPolicyDto>(await client.PutAsJsonAsync($"/api/compliance/dlp/policies/{policy.Id}",
            new { minimumCount = 1, sourceTypes = Array.Empty<string>() }));
        var typeInUse = await client.DeleteAsync("/api/compliance/dlp/types/custom:Employee%20ID");
        var builtIn = await client.DeleteAsync("/api/compliance/dlp/types/credit-card");
        var evaluate = await client.PostAsync($"/api/compliance/dlp/policies/{policy.Id}/evaluate", null);
        var evaluation = await ReadAsync<PolicyEvaluationDto>(evaluate, HttpStatusCode.Accepted);
        var followed = await client.GetFromJsonAsync<PolicyEvaluationDto>(evaluate.Headers.Location, Json.Options);

        Assert.Equal(["credit-card", "custom:Employee ID"], policy.InfoTypes);
        Assert.Equal(["Slack"], policy.SourceTypes);
        Assert.Equal((DlpConfidence.High, DlpAction.Alert), (policy.MinimumConfidence, policy.Action));
        Assert.Equal((1, 0), (changed.MinimumCount, changed.SourceTypes.Count));
        await AssertProblemAsync(typeInUse, HttpStatusCode.Conflict);
        await AssertProblemAsync(builtIn, HttpStatusCode.Conflict);
        Assert.Equal((PolicyKind.Dlp, policy.Id, EvaluationStatus.Queued), (followed!.Kind, followed.PolicyId, followed.Status));
        Assert.Equal($"/api/compliance/governance/evaluations/{evaluation.Id}", evaluate.Headers.Location!.OriginalString);
        Assert.Equal([AuditActions.DlpPolicyChanged, AuditActions.DlpPolicyChanged, AuditActions.PolicyEvaluationRequested],
            (await AuditOfAsync(policy.Id.ToString())).Select(a => a.Action));
    }

    [Theory]
    [InlineData("""{"name":"p","infoTypes":["credit-card","custom:missing"]}""", "infoTypes[1]")]
    [InlineData("""{"name":"p","infoTypes":[]}""", "infoTypes")]
    [InlineData("""{"name":"p","infoTypes":["iban"],"minimumCount":0}""", "minimumCount")]
    [InlineData("""{"name":"p","infoTypes":["iban"],"minimumCount":1001}""", "minimumCount")]
    [InlineData("""{"name":"p","infoTypes":["iban"],"connectorIds":["0197a1a4-0000-7000-8000-000000000000"]}""", "connectorIds[0]")]
    [InlineData("""{"name":"p","infoTypes":["iban"],"sourceTypes":["Slack","Telex"]}""", "sourceTypes[1]")]
    [InlineData("""{"name":"p","infoTypes":["iban"],"minimumConfidence":"Certain"}""", "minimumConfidence")]
    [InlineData("""{"name":"p","infoTypes":["iban"],"action":"Block"}""", "action")]
    public async Task AnInvalidPolicyIsRefusedNamingTheField(string body, string field)
    {
        var response = await Admin.PostAsync("/api/compliance/dlp/policies", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertFieldProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task TheMatchesListShowsWhereAndWhatKindButNeverTheValue()
    {
        var connector = await AddConnectorAsync();
        var sentAt = new DateTimeOffset(2026, 10, 2, 14, 30, 0, TimeSpan.Zero);
        var item = await AddItemAsync(connector, "1790000000.000200", "my card is 4111 1111 1111 1111 exp 12/29", sentAt);
        var policy = await ReadAsync<DlpPolicyDto>(await Admin.PostAsJsonAsync("/api/compliance/dlp/policies",
            new { name = "Cards", infoTypes = new[] { "credit-card" } }), HttpStatusCode.Created);
        await using (var db = Api.CreateDbContext())
        {
            // A stored location with a stray unmasked field: whatever a writer puts there, only the masked value is listed.
            db.DlpMatches.Add(new DlpMatch
            {
                ItemId = item.Id, PolicyId = policy.Id, InfoType = "credit-card", Count = 1, Confidence = DlpConfidence.High, ConnectorId = connector,
                DetectedAt = DateTimeOffset.UtcNow,
                Locations = """[{"location":"body","offset":11,"length":19,"maskedValue":"**** **** **** 1111","confidence":85,"value":"4111 1111 1111 1111"}]""",
            });
            await db.SaveChangesAsync();
        }
        var client = await As(Role.ComplianceAdministrator);

        var response = await client.GetAsync($"/api/compliance/dlp/matches?policyId={policy.Id}&infoType=Credit-Card");
        var text = await response.Content.ReadAsStringAsync();
        var page = await ReadAsync<Page<DlpMatchDto>>(response);
        var otherType = await client.GetFromJsonAsync<Page<DlpMatchDto>>("/api/compliance/dlp/matches?infoType=iban", Json.Options);

        var match = Assert.Single(page.Items);
        Assert.Equal((item.ItemKey, sentAt, "Slack", "Cards"), (match.ItemKey, match.SentAt!.Value, match.SourceType, match.PolicyName));
        var location = Assert.Single(match.Locations);
        Assert.Equal(("body", 11, 19, "**** **** **** 1111", DlpConfidence.High),
            (location.Location, location.Offset, location.Length, location.MaskedValue, location.Confidence));
        Assert.DoesNotContain("4111 1111 1111 1111", text);
        Assert.DoesNotContain("41111111", text.Replace(" ", ""));
        Assert.Empty(otherType!.Items);
    }
}

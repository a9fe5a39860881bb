using System.Net;
using System.Net.Http.Json;
using System.Text;
using Connectors.Api.Connectors;
using Connectors.Api.Governance;
using Connectors.Audit;
using Connectors.Governance.Retention;
using Connectors.Security;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Tests.GovernanceApi;

/// <summary>Retention policies, disposition reviews and legal holds through the API.</summary>
[Collection(ServersCollection.Name)]
public sealed class RetentionAndHoldsApiTests(ServersFixture servers) : GovernanceApiTestBase(servers, "govretention")
{
    [Fact]
    public async Task ARetentionPolicyIsCreatedChangedAndDeletedWithAnAuditRecordForEach()
    {
        var client = await As(Role.ComplianceAdministrator);

        var created = await ReadAsync<RetentionPolicyDto>(await client.PostAsJsonAsync("/api/compliance/retention/policies",
            new { name = "Slack seven years", scope = "sourceType", scopeValue = "slack", retainForDays = 2557, action = "Delete" }), HttpStatusCode.Created);
        var duplicate = await client.PostAsJsonAsync("/api/compliance/retention/policies",
            new { name = "SLACK seven years", scope = "Organization", retainForDays = 10, action = "Delete" });
        var changed = await ReadAsync<RetentionPolicyDto>(await client.PutAsJsonAsync($"/api/compliance/retention/policies/{created.Id}",
            new { retainForDays = 3650, action = "DispositionReview" }));
        var connectorWithoutId = await client.PutAsJsonAsync($"/api/compliance/retention/policies/{created.Id}", new { scope = "Connector" });
        var deleted = await client.DeleteAsync($"/api/compliance/retention/policies/{created.Id}");

        Assert.Equal((RetentionScope.SourceType, "Slack", 2557), (created.Scope, created.ScopeValue, created.RetainForDays));
        await AssertFieldProblemAsync(duplicate, HttpStatusCode.Conflict, "name");
        Assert.Equal((3650, RetentionAction.DispositionReview), (changed.RetainForDays, changed.Action));
        await AssertFieldProblemAsync(connectorWithoutId, HttpStatusCode.BadRequest, "scopeValue");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/compliance/retention/policies/{created.Id}")).StatusCode);
        var audit = await AuditOfAsync(created.Id.ToString());
        Assert.Equal(3, audit.Count);
        Assert.All(audit, a => Assert.Equal((AuditActions.RetentionPolicyChanged, ActorOf(Role.ComplianceAdministrator)), (a.Action, a.Actor)));
        Assert.Equal(["created", "updated", "deleted"], audit.Select(a => System.Text.Json.JsonDocument.Parse(a.Details!).RootElement.GetProperty("change").GetString()));
    }

    [Theory]
    [InlineData("""{"name":"x","scope":"Organization","scopeValue":"everything","retainForDays":10,"action":"Delete"}""", "scopeValue")]
    [InlineData("""{"name":"x","scope":"Connector","scopeValue":"0197a1a4-0000-7000-8000-000000000000","retainForDays":10,"action":"Delete"}""", "scopeValue")]
    [InlineData("""{"name":"x","scope":"SourceType","scopeValue":"Fax","retainForDays":10,"action":"Delete"}""", "scopeValue")]
    [InlineData("""{"name":"x","scope":"ItemClass","scopeValue":"ipm.note","retainForDays":10,"action":"Delete"}""", "scopeValue")]
    [InlineData("""{"name":"x","scope":"ItemClass","scopeValue":"ipm.externaldata.*slack","retainForDays":10,"action":"Delete"}""", "scopeValue")]
    [InlineData("""{"name":"x","scope":"Mailbox","retainForDays":10,"action":"Delete"}""", "scope")]
    [InlineData("""{"name":"x","scope":"Organization","retainForDays":0,"action":"Delete"}""", "retainForDays")]
    [InlineData("""{"name":"x","scope":"Organization","retainForDays":36501,"action":"Delete"}""", "retainForDays")]
    [InlineData("""{"name":"x","scope":"Organization","retainForDays":10}""", "action")]
    [InlineData("""{"name":"","scope":"Organization","retainForDays":10,"action":"Delete"}""", "name")]
    public async Task AnInvalidRetentionPolicyIsRefusedNamingTheField(string body, string field)
    {
        var response = await Admin.PostAsync("/api/compliance/retention/policies", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertFieldProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task ItemClassAndConnectorScopesAreAcceptedAndNormalised()
    {
        var connector = await AddConnectorAsync();

        var byClass = await ReadAsync<RetentionPolicyDto>(await Admin.PostAsJsonAsync("/api/compliance/retention/policies",
            new { name = "Bloomberg", scope = "ItemClass", scopeValue = "IPM.ExternalData.Bloomberg*", retainForDays = 10, action = "RetainOnly" }), HttpStatusCode.Created);
        var byConnector = await ReadAsync<RetentionPolicyDto>(await Admin.PostAsJsonAsync("/api/compliance/retention/policies",
            new { name = "One connector", scope = "Connector", scopeValue = connector.ToString().ToUpperInvariant(), retainForDays = 10, action = "Delete" }), HttpStatusCode.Created);

        Assert.Equal("ipm.externaldata.bloomberg*", byClass.ScopeValue);
        Assert.Equal(connector.ToString(), byConnector.ScopeValue);
    }

    [Fact]
    public async Task ADispositionReviewIsListedWithItsItemAndDecidedOnceAndItsPolicyCannotBeDeleted()
    {
        var connector = await AddConnectorAsync();
        var sentAt = new DateTimeOffset(2019, 3, 4, 10, 0, 0, TimeSpan.Zero);
        var item = await AddItemAsync(connector, "1551693600.000100", "quarterly numbers", sentAt);
        var policy = await ReadAsync<RetentionPolicyDto>(await Admin.PostAsJsonAsync("/api/compliance/retention/policies",
            new { name = "Review after five years", scope = "Organization", retainForDays = 1826, action = "DispositionReview" }), HttpStatusCode.Created);
        await using (var db = Api.CreateDbContext())
        {
            db.DispositionReviews.Add(new DispositionReview
            {
                ItemId = item.Id, PolicyId = policy.Id, DueAt = sentAt.AddDays(1826), State = DispositionState.Pending, CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        var client = await As(Role.ComplianceAdministrator);

        var pending = await client.GetFromJsonAsync<Page<DispositionReviewDto>>("/api/compliance/retention/reviews?state=Pending", Json.Options);
        var deletePolicy = await client.DeleteAsync($"/api/compliance/retention/policies/{policy.Id}");
        var pastDate = await client.PostAsJsonAsync($"/api/compliance/retention/reviews/{item.Id}/decision",
            new { approve = false, retainUntil = DateTimeOffset.UtcNow.AddDays(-1) });
        var kept = await ReadAsync<DispositionReviewDto>(await client.PostAsJsonAsync($"/api/compliance/retention/reviews/{item.Id}/decision",
            new { approve = false, retainUntil = DateTimeOffset.UtcNow.AddYears(2), notes = "Litigation expected" }));
        var again = await client.PostAsJsonAsync($"/api/compliance/retention/reviews/{item.Id}/decision", new { approve = true });
        var unknown = await client.PostAsJsonAsync("/api/compliance/retention/reviews/999999/decision", new { approve = true });

        var listed = Assert.Single(pending!.Items);
        Assert.Equal((item.ItemKey, sentAt, "Slack", "Review after five years"), (listed.ItemKey, listed.SentAt!.Value, listed.SourceType, listed.PolicyName));
        await AssertProblemAsync(deletePolicy, HttpStatusCode.Conflict);
        await AssertFieldProblemAsync(pastDate, HttpStatusCode.BadRequest, "retainUntil");
        Assert.Equal((DispositionState.Retained, ActorOf(Role.ComplianceAdministrator), "Litigation expected"), (kept.State, kept.DecidedBy, kept.Notes));
        await AssertProblemAsync(again, HttpStatusCode.Conflict);
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.Single(await AuditOfAsync(item.Id.ToString()), a => a.Action == AuditActions.DispositionDecided);
        Assert.Empty((await client.GetFromJsonAsync<Page<DispositionReviewDto>>("/api/compliance/retention/reviews?state=Pending", Json.Options))!.Items);
    }

    [Fact]
    public async Task AHoldByCustodianIsPlacedListedAndReleasedOnlyWithAReason()
    {
        await AddAccountAsync("carol@contoso.com");
        var client = await As(Role.ComplianceAdministrator);

        var hold = await ReadAsync<LegalHoldDto>(await client.PostAsJsonAsync("/api/compliance/holds", new
        {
            name = "Matter 2026-17", custodian = "Carol@Contoso.com", sourceType = "slack",
            sentFrom = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), sentTo = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        }), HttpStatusCode.Created);
        var active = await client.GetFromJsonAsync<Page<LegalHoldDto>>("/api/compliance/holds?active=true", Json.Options);
        var noReason = await client.PostAsJsonAsync($"/api/compliance/holds/{hold.Id}/release", new { reason = "  " });
        var stillActive = await client.GetFromJsonAsync<LegalHoldDto>($"/api/compliance/holds/{hold.Id}", Json.Options);
        var released = await ReadAsync<LegalHoldDto>(await client.PostAsJsonAsync($"/api/compliance/holds/{hold.Id}/release", new { reason = "Matter settled" }));
        var twice = await client.PostAsJsonAsync($"/api/compliance/holds/{hold.Id}/release", new { reason = "Again" });

        Assert.Equal(("carol@contoso.com", "Slack", true), (hold.Custodian, hold.SourceType, hold.Active));
        Assert.Equal(hold.Id, Assert.Single(active!.Items).Id);
        await AssertFieldProblemAsync(noReason, HttpStatusCode.BadRequest, "reason");
        Assert.True(stillActive!.Active);
        Assert.Equal((false, "Matter settled", ActorOf(Role.ComplianceAdministrator)), (released.Active, released.ReleaseReason, released.ReleasedBy));
        await AssertProblemAsync(twice, HttpStatusCode.Conflict);
        Assert.Empty((await client.GetFromJsonAsync<Page<LegalHoldDto>>("/api/compliance/holds?active=true", Json.Options))!.Items);
        Assert.Single((await client.GetFromJsonAsync<Page<LegalHoldDto>>("/api/compliance/holds?active=false", Json.Options))!.Items);
        Assert.Equal([AuditActions.HoldPlaced, AuditActions.HoldReleased], (await AuditOfAsync(hold.Id.ToString())).Select(a => a.Action));
    }

    [Theory]
    [InlineData("""{"name":"Matter","custodian":"nobody@contoso.com"}""", "custodian")]
    [InlineData("""{"name":"Matter","sentFrom":"2026-01-01T00:00:00Z","sentTo":"2025-01-01T00:00:00Z"}""", "sentTo")]
    [InlineData("""{"name":"Matter","sourceType":"Fax"}""", "sourceType")]
    [InlineData("""{"name":"Matter","connectorId":"0197a1a4-0000-7000-8000-000000000000"}""", "connectorId")]
    [InlineData("""{"description":"no name"}""", "name")]
    public async Task AnInvalidHoldIsRefusedNamingTheField(string body, string field)
    {
        var response = await Admin.PostAsync("/api/compliance/holds", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertFieldProblemAsync(response, HttpStatusCode.BadRequest, field);
        await using var db = Api.CreateDbContext();
        Assert.False(await db.LegalHolds.AnyAsync());
    }
}

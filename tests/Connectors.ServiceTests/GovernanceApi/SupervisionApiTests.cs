using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Connectors.Api.Connectors;
using Connectors.Api.Governance;
using Connectors.Audit;
using Connectors.Governance;
using Connectors.Governance.Supervision;
using Connectors.Security;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Tests.GovernanceApi;

/// <summary>Lexicons, supervision policies and the review queue through the API.</summary>
[Collection(ServersCollection.Name)]
public sealed class SupervisionApiTests(ServersFixture servers) : GovernanceApiTestBase(servers, "govsupervision")
{
    [Fact]
    public async Task ALexiconWithABadTermIsRefusedNamingTheTermsPosition()
    {
        var response = await Admin.PostAsJsonAsync("/api/compliance/supervision/lexicons",
            new { name = "Promises", terms = new[] { "guarantee", "guarant*", "\"risk free\"", "g*", "sure thing" } });

        var message = await AssertFieldProblemAsync(response, HttpStatusCode.BadRequest, "terms[3]");
        Assert.Contains("*", message);
        await using var db = Api.CreateDbContext();
        Assert.False(await db.Lexicons.AnyAsync());
    }

    [Fact]
    public async Task ALexiconIsStoredAsTheMatcherReadsItAndItsChangesAreAudited()
    {
        var client = await As(Role.ComplianceAdministrator);

        var lexicon = await ReadAsync<LexiconDto>(await client.PostAsJsonAsync("/api/compliance/supervision/lexicons",
            new { name = "Promises", terms = new[] { " guarantee ", "\"risk   free\"", "GUARANTEE", "guarant*" } }), HttpStatusCode.Created);
        var changed = await ReadAsync<LexiconDto>(await client.PutAsJsonAsync($"/api/compliance/supervision/lexicons/{lexicon.Id}",
            new { terms = new[] { "guarantee", "can't lose" } }));
        var builtIn = await client.GetFromJsonAsync<List<BuiltInLexiconDto>>("/api/compliance/supervision/lexicons/built-in", Json.Options);

        Assert.Equal(["guarantee", "risk free", "guarant*"], lexicon.Terms);
        Assert.Equal(["guarantee", "can't lose"], changed.Terms);
        Assert.Contains(builtIn!, l => l.Name == "Off-channel communication" && l.Terms.Count > 0);
        var audit = await AuditOfAsync(lexicon.Id.ToString());
        Assert.Equal([AuditActions.LexiconChanged, AuditActions.LexiconChanged], audit.Select(a => a.Action));
        var details = JsonDocument.Parse(audit[1].Details!).RootElement;
        Assert.Equal(["can't lose"], details.GetProperty("added").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["risk free", "guarant*"], details.GetProperty("removed").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ReviewersReadPoliciesButOnlyAdministratorsWriteThem()
    {
        var lexicon = await ReadAsync<LexiconDto>(await Admin.PostAsJsonAsync("/api/compliance/supervision/lexicons",
            new { name = "Promises", terms = new[] { "guarantee" } }), HttpStatusCode.Created);
        var administrator = await As(Role.ComplianceAdministrator);
        var reviewer = await As(Role.ComplianceReviewer);

        var policy = await ReadAsync<SupervisionPolicyDto>(await administrator.PostAsJsonAsync("/api/compliance/supervision/policies", new
        {
            name = "Sales desk", lexiconIds = new[] { lexicon.Id }, sourceTypes = new[] { "instantbloomberg" }, people = new[] { "Dan@Contoso.com" },
            samplingPercent = 25,
        }), HttpStatusCode.Created);
        var read = await reviewer.GetFromJsonAsync<List<SupervisionPolicyDto>>("/api/compliance/supervision/policies", Json.Options);
        var write = await reviewer.PutAsJsonAsync($"/api/compliance/supervision/policies/{policy.Id}", new { samplingPercent = 100 });
        var evaluate = await administrator.PostAsync($"/api/compliance/supervision/policies/{policy.Id}/evaluate", null);

        Assert.Equal(["InstantBloomberg"], policy.SourceTypes);
        Assert.Equal(["dan@contoso.com"], policy.People);
        Assert.Equal(25, policy.SamplingPercent);
        Assert.Equal(policy.Id, Assert.Single(read!).Id);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal(PolicyKind.Supervision, (await ReadAsync<PolicyEvaluationDto>(evaluate, HttpStatusCode.Accepted)).Kind);
        Assert.Equal([AuditActions.SupervisionPolicyChanged, AuditActions.PolicyEvaluationRequested], (await AuditOfAsync(policy.Id.ToString())).Select(a => a.Action));
    }

    [Theory]
    [InlineData("""{"name":"p","lexiconIds":["0197a1a4-0000-7000-8000-000000000000"]}""", "lexiconIds[0]")]
    [InlineData("""{"name":"p","lexiconIds":[]}""", "lexiconIds")]
    [InlineData("""{"name":"p","lexiconIds":["{lexicon}"],"samplingPercent":0}""", "samplingPercent")]
    [InlineData("""{"name":"p","lexiconIds":["{lexicon}"],"samplingPercent":101}""", "samplingPercent")]
    [InlineData("""{"name":"p","lexiconIds":["{lexicon}"],"people":["dan@contoso.com","dan at contoso"]}""", "people[1]")]
    [InlineData("""{"name":"p","lexiconIds":["{lexicon}"],"sourceTypes":["Pager"]}""", "sourceTypes[0]")]
    public async Task AnInvalidSupervisionPolicyIsRefusedNamingTheField(string body, string field)
    {
        var lexicon = await ReadAsync<LexiconDto>(await Admin.PostAsJsonAsync("/api/compliance/supervision/lexicons",
            new { name = "Promises", terms = new[] { "guarantee" } }), HttpStatusCode.Created);

        var response = await Admin.PostAsync("/api/compliance/supervision/policies",
            new StringContent(body.Replace("{lexicon}", lexicon.Id.ToString()), Encoding.UTF8, "application/json"));

        await AssertFieldProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task AReviewerWorksAFlaggedItemWithItsConversationAndEveryStepIsRecorded()
    {
        var connector = await AddConnectorAsync();
        var at = new DateTimeOffset(2026, 11, 3, 9, 0, 0, TimeSpan.Zero);
        const string body = "Trust me, this trade is a guarantee. Let's move to WhatsApp.";
        var before = await AddItemAsync(connector, "1.1", "Any thoughts on the bond?", at, "C-DESK", "Bob Example", "bob@contoso.com");
        var flagged = await AddItemAsync(connector, "1.2", body, at.AddMinutes(1), "C-DESK");
        var after = await AddItemAsync(connector, "1.3", "ok", at.AddMinutes(2), "C-DESK", "Bob Example", "bob@contoso.com");
        await AddItemAsync(connector, "9.9", "another channel", at.AddMinutes(1), "C-OTHER");
        var lexicon = await ReadAsync<LexiconDto>(await Admin.PostAsJsonAsync("/api/compliance/supervision/lexicons",
            new { name = "Promises", terms = new[] { "guarantee" } }), HttpStatusCode.Created);
        var policy = await ReadAsync<SupervisionPolicyDto>(await Admin.PostAsJsonAsync("/api/compliance/supervision/policies",
            new { name = "Trading floor", lexiconIds = new[] { lexicon.Id } }), HttpStatusCode.Created);
        long reviewId;
        await using (var db = Api.CreateDbContext())
        {
            var offset = body.IndexOf("guarantee", StringComparison.Ordinal);
            var review = new ReviewItem
            {
                PolicyId = policy.Id, ItemId = flagged.Id, State = ReviewState.Pending, FlaggedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
                Hits = JsonSerializer.Serialize(new[] { new StoredHit("body", "Promises", "guarantee", offset, "guarantee".Length) }, ReviewItemViews.HitJson),
            };
            db.ReviewItems.Add(review);
            await db.SaveChangesAsync();
            reviewId = review.Id;
        }
        var reviewer = await As(Role.ComplianceReviewer);

        var queue = await reviewer.GetFromJsonAsync<Page<ReviewQueueEntryDto>>($"/api/compliance/supervision/queue?state=Pending&policyId={policy.Id}", Json.Options);
        var administratorQueue = await (await As(Role.ComplianceAdministrator)).GetAsync("/api/compliance/supervision/queue");
        var opened = await ReadAsync<ReviewItemDetailDto>(await reviewer.GetAsync($"/api/compliance/supervision/queue/{reviewId}"));
        var emptyComment = await reviewer.PostAsJsonAsync($"/api/compliance/supervision/queue/{reviewId}/actions", new { action = "Comment", notes = " " });
        var resolved = await ReadAsync<ReviewActionDto>(await reviewer.PostAsJsonAsync($"/api/compliance/supervision/queue/{reviewId}/actions",
            new { action = "Resolve", notes = "Spoke to the trader; reminded of policy." }));
        var resolvedAgain = await reviewer.PostAsJsonAsync($"/api/compliance/supervision/queue/{reviewId}/actions", new { action = "Resolve", notes = "again" });
        var missing = await reviewer.PostAsJsonAsync("/api/compliance/supervision/queue/999999/actions", new { action = "Resolve" });
        var reopened = await ReadAsync<ReviewItemDetailDto>(await reviewer.GetAsync($"/api/compliance/supervision/queue/{reviewId}"));

        var entry = Assert.Single(queue!.Items);
        Assert.Equal((reviewId, "Trading floor", flagged.ItemKey, "Slack", "Alice Example", ReviewState.Pending),
            (entry.Id, entry.PolicyName, entry.ItemKey, entry.SourceType, entry.Sender, entry.State));
        Assert.Contains("guarantee", entry.Snippet);
        Assert.Equal(["guarantee"], entry.MatchedTerms);
        Assert.Equal(HttpStatusCode.Forbidden, administratorQueue.StatusCode);

        Assert.Equal((body, "Trading floor"), (opened.Item.BodyText, opened.PolicyName));
        Assert.Equal([before.Id, flagged.Id, after.Id], opened.Conversation.Select(m => m.ItemId));
        var message = Assert.Single(opened.Conversation, m => m.IsFlagged);
        Assert.Equal(body, string.Concat(message.Body.Select(s => s.Text)));
        var hit = Assert.Single(message.Body, s => s.IsHit);
        Assert.Equal(("guarantee", "guarantee"), (hit.Text, hit.Term));
        Assert.All(opened.Conversation.Where(m => !m.IsFlagged), m => Assert.DoesNotContain(m.Body, s => s.IsHit));

        await AssertFieldProblemAsync(emptyComment, HttpStatusCode.BadRequest, "notes");
        Assert.Equal((ReviewState.Pending, ReviewState.Resolved, ActorOf(Role.ComplianceReviewer)), (resolved.FromState, resolved.ToState, resolved.Reviewer));
        await AssertProblemAsync(resolvedAgain, HttpStatusCode.Conflict);
        await AssertProblemAsync(missing, HttpStatusCode.NotFound);
        Assert.Equal(ReviewState.Resolved, reopened.State);
        var action = Assert.Single(reopened.Actions);
        Assert.Equal((ReviewActionKind.Resolve, "Spoke to the trader; reminded of policy."), (action.Action, action.Notes));

        var audit = await AuditOfAsync(reviewId.ToString());
        Assert.Equal([AuditActions.ReviewItemOpened, AuditActions.ReviewAction, AuditActions.ReviewItemOpened], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(ActorOf(Role.ComplianceReviewer), a.Actor));
        Assert.Empty((await reviewer.GetFromJsonAsync<Page<ReviewQueueEntryDto>>("/api/compliance/supervision/queue?state=Pending", Json.Options))!.Items);
    }
}

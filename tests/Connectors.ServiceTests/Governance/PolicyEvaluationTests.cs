using Connectors.Alerts;
using Connectors.Audit;
using Connectors.Governance;
using Connectors.Governance.Dlp;
using Connectors.Governance.Supervision;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Connectors.Tests.Infrastructure.ScriptedSource;
using static Connectors.Tests.Governance.GovernanceHarness;

namespace Connectors.Tests.Governance;

/// <summary>DLP and supervision policies evaluated during import and re-run on demand over the archive.</summary>
[Collection(ServersCollection.Name)]
public sealed class PolicyEvaluationTests(ServersFixture servers) : IAsyncLifetime
{
    private const string Card = "4111 1111 1111 1111";
    private GovernanceHarness _h = null!;
    private Guid _connector;

    public async Task InitializeAsync()
    {
        _h = await CreateAsync(servers, "policies");
        _connector = await _h.AddConnectorAsync();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task ImportFlagsSensitiveValuesMaskedAndRaisesAnAlertWithoutThem()
    {
        var policy = await AddDlpPolicyAsync(DlpAction.Alert);

        await _h.ImportAsync(_connector,
            Message("m1", Alice, [Bob], $"my visa card {Card} exp 12/27"),
            Message("m2", Bob, [Alice], "nothing sensitive here"));

        await using var db = _h.Db();
        var match = await db.DlpMatches.SingleAsync();
        var item = await db.Items.SingleAsync(i => i.Id == match.ItemId);
        Assert.Equal(("m1", policy, "credit-card", 1), (item.SourceId, match.PolicyId, match.InfoType, match.Count));
        Assert.Equal(DlpConfidence.High, match.Confidence);
        Assert.Contains("**** **** **** 1111", match.Locations);
        Assert.DoesNotContain("4111 1111", match.Locations);
        var alert = await db.Alerts.SingleAsync(a => a.Kind == AlertKind.DlpPolicyMatch);
        Assert.Equal(_connector, alert.ConnectorId);
        Assert.Contains("**** **** **** 1111", alert.Reason);
        Assert.DoesNotContain("4111 1111", alert.Reason);
        Assert.DoesNotContain("4111 1111", (await db.AlertDeliveries.SingleAsync(d => d.AlertId == alert.Id)).Payload);
    }

    [Fact]
    public async Task ImportFlagsLexiconHitsForReviewWithTheirExactSpans()
    {
        var policy = await AddSupervisionPolicyAsync(100, people: ["bob@contoso.com"]);
        const string text = "I can guarantee you a 20% return, let's move this to WhatsApp";

        await _h.ImportAsync(_connector, Message("m1", Alice, [Bob], text), Message("m2", Alice, [Bob], "lunch at noon?"));

        await using var db = _h.Db();
        var review = await db.ReviewItems.SingleAsync();
        Assert.Equal((policy, ReviewState.Pending), (review.PolicyId, review.State));
        var hits = ReviewItemViews.ReadHits(review.Hits);
        Assert.Contains(hits, h => h.Section == "body" && text.Substring(h.Offset, h.Length).Equals("guarantee", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(hits, h => text.Substring(h.Offset, h.Length) == "WhatsApp");

        var detail = await ReviewItemViews.LoadAsync(db, review.Id, 5, CancellationToken.None);
        Assert.Equal(["I can ", "guarantee"], detail!.Conversation.Single(m => m.IsFlagged).BodySegments.Take(2).Select(s => s.Text));
        Assert.Equal(2, detail.Conversation.Count);
    }

    [Fact]
    public async Task PeopleOutsideAPolicysScopeAreNotFlagged()
    {
        await AddSupervisionPolicyAsync(100, people: ["someone.else@contoso.com"]);

        await _h.ImportAsync(_connector, Message("m1", Alice, [Bob], "delete this chat"));

        await using var db = _h.Db();
        Assert.Equal(0, await db.ReviewItems.CountAsync());
    }

    [Fact]
    public async Task AReRunOnDemandFindsWhatWasArchivedBeforeThePolicyAndAddsNothingTwice()
    {
        await _h.ImportAsync(_connector,
            Message("m1", Alice, [Bob], $"card {Card}"), Message("m2", Alice, [Bob], "SSN 536-22-8012"),
            Message("m3", Bob, [Alice], $"again {Card}"), Message("m4", Bob, [Alice], "plain"), Message("m5", Bob, [Alice], "plain too"));
        var policy = await AddDlpPolicyAsync(DlpAction.Flag);
        await using (var db = _h.Db())
        {
            Assert.Equal(0, await db.DlpMatches.CountAsync());
        }

        var first = await EvaluateAsync(policy);
        var second = await EvaluateAsync(policy);

        Assert.Equal((EvaluationStatus.Completed, 5L, 2L), (first.Status, first.ItemsScanned, first.ItemsMatched));
        Assert.Equal((EvaluationStatus.Completed, 5L, 0L), (second.Status, second.ItemsScanned, second.ItemsMatched));
        await using var check = _h.Db();
        Assert.Equal(2, await check.DlpMatches.CountAsync(m => m.PolicyId == policy));
        Assert.Equal(2, await check.AuditRecords.CountAsync(a => a.Action == AuditActions.PolicyEvaluationRequested));
    }

    [Fact]
    public async Task AnEvaluationWhoseWorkerDiedIsResumedAfterItsLastCommittedBatch()
    {
        await _h.ImportAsync(_connector, Message("m1", Alice, [Bob], $"card {Card}"), Message("m2", Alice, [Bob], $"card {Card}"),
            Message("m3", Alice, [Bob], $"card {Card}"));
        var policy = await AddDlpPolicyAsync(DlpAction.Flag);
        long id;
        await using (var db = _h.Db())
        {
            var secondItem = await db.Items.OrderBy(i => i.Id).Select(i => i.Id).Skip(1).FirstAsync();
            var stuck = new PolicyEvaluation
            {
                Kind = PolicyKind.Dlp, PolicyId = policy, RequestedBy = "admin", RequestedAt = DateTimeOffset.UtcNow.AddHours(-1),
                Status = EvaluationStatus.Running, ItemsScanned = 2, LastItemId = secondItem, HeartbeatAt = DateTimeOffset.UtcNow.AddMinutes(-30),
            };
            db.PolicyEvaluations.Add(stuck);
            await db.SaveChangesAsync();
            id = stuck.Id;
        }

        await using (var db = _h.Db())
        {
            await _h.Governance().RunEvaluationsAsync(db, CancellationToken.None);
        }

        await using var check = _h.Db();
        var resumed = await check.PolicyEvaluations.SingleAsync(e => e.Id == id);
        Assert.Equal((EvaluationStatus.Completed, 3L), (resumed.Status, resumed.ItemsScanned));
        // Only the item after the last committed batch was scanned by the takeover.
        Assert.Equal(["m3"], await check.DlpMatches.Join(check.Items, m => m.ItemId, i => i.Id, (m, i) => i.SourceId).ToListAsync());
    }

    private async Task<PolicyEvaluation> EvaluateAsync(Guid policy)
    {
        long id;
        await using (var db = _h.Db())
        {
            id = (await PolicyEvaluations.RequestAsync(db, PolicyKind.Dlp, policy, new Actor("admin", null), TimeProvider.System, CancellationToken.None)).Id;
        }
        await using (var db = _h.Db())
        {
            await _h.Governance().RunEvaluationsAsync(db, CancellationToken.None);
        }
        await using var check = _h.Db();
        return await check.PolicyEvaluations.SingleAsync(e => e.Id == id);
    }

    private async Task<Guid> AddDlpPolicyAsync(DlpAction action)
    {
        await using var db = _h.Db();
        var policy = new DlpPolicy
        {
            Name = "Cards", InfoTypes = ["credit-card"], MinimumCount = 1, MinimumConfidence = DlpConfidence.Medium, Action = action,
            CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "admin", UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.DlpPolicies.Add(policy);
        await db.SaveChangesAsync();
        return policy.Id;
    }

    private async Task<Guid> AddSupervisionPolicyAsync(int sampling, List<string> people)
    {
        await using var db = _h.Db();
        var lexicons = BuiltInLexicons.All.Select(l => new LexiconDefinition
        {
            Name = l.Name, Terms = l.Terms.Select(t => t.Text).ToList(), CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "admin", UpdatedAt = DateTimeOffset.UtcNow,
        }).ToList();
        db.Lexicons.AddRange(lexicons);
        var policy = new SupervisionPolicy
        {
            Name = "Trading desk", LexiconIds = lexicons.Select(l => l.Id).ToList(), People = people, SamplingPercent = sampling,
            CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "admin", UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.SupervisionPolicies.Add(policy);
        await db.SaveChangesAsync();
        return policy.Id;
    }
}

using System.Net;
using System.Net.Http.Json;
using Connectors.Api.Audit;
using Connectors.Api.Connectors;
using Connectors.Api.Governance;
using Connectors.Audit;
using Connectors.Governance.Integrity;
using Connectors.Security;
using Connectors.Tests.Infrastructure;

namespace Connectors.Tests.GovernanceApi;

/// <summary>Integrity checks on demand and the audit log with its hash chain.</summary>
[Collection(ServersCollection.Name)]
public sealed class IntegrityAndAuditApiTests(ServersFixture servers) : GovernanceApiTestBase(servers, "govintegrity")
{
    [Fact]
    public async Task AnIntegrityCheckIsQueuedFollowedAndAudited()
    {
        var response = await Admin.PostAsync("/api/compliance/integrity/checks", null);
        var queued = await ReadAsync<IntegrityCheckDto>(response, HttpStatusCode.Accepted);
        var followed = await Admin.GetFromJsonAsync<IntegrityCheckDto>(response.Headers.Location, Json.Options);
        var listed = await Admin.GetFromJsonAsync<Page<IntegrityCheckDto>>("/api/compliance/integrity/checks", Json.Options);

        Assert.Equal((queued.Id, IntegrityCheckStatus.Queued), (followed!.Id, followed.Status));
        Assert.Equal(queued.Id, Assert.Single(listed!.Items).Id);
        var audit = Assert.Single(await AuditOfAsync(queued.Id.ToString()));
        Assert.Equal((AuditActions.IntegrityCheckRequested, "admin-api-key"), (audit.Action, audit.Actor));
    }

    [Fact]
    public async Task AFailedCheckListsEachProblemWithTheRowItConcerns()
    {
        long id;
        await using (var db = Api.CreateDbContext())
        {
            var check = new IntegrityCheck
            {
                RequestedBy = "admin-api-key", RequestedAt = DateTimeOffset.UtcNow, FinishedAt = DateTimeOffset.UtcNow, Status = IntegrityCheckStatus.Failed,
                ItemsChecked = 10, AuditRecordsChecked = 4, AuditHeadHash = new string('a', 64), ProblemCount = 2,
                Problems = """[{"kind":"item-hash","target":"archive_items:7","detail":"content hash differs"},{"kind":"audit-chain","target":"audit_records:3","detail":"prev_hash does not match record 2"}]""",
            };
            db.IntegrityChecks.Add(check);
            await db.SaveChangesAsync();
            id = check.Id;
        }

        var check1 = await Admin.GetFromJsonAsync<IntegrityCheckDto>($"/api/compliance/integrity/checks/{id}", Json.Options);

        Assert.Equal((IntegrityCheckStatus.Failed, 2, new string('a', 64)), (check1!.Status, check1.ProblemCount, check1.AuditHeadHash));
        Assert.Equal([new IntegrityProblem("item-hash", "archive_items:7", "content hash differs"),
            new IntegrityProblem("audit-chain", "audit_records:3", "prev_hash does not match record 2")], check1.Problems);
        await AssertProblemAsync(await Admin.GetAsync("/api/compliance/integrity/checks/999999"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheAuditLogShowsEachRecordsLinkInTheHashChain()
    {
        await Admin.PostAsJsonAsync("/api/compliance/supervision/lexicons", new { name = "One", terms = new[] { "guarantee" } });
        await Admin.PostAsJsonAsync("/api/compliance/supervision/lexicons", new { name = "Two", terms = new[] { "promise" } });

        var page = await Admin.GetFromJsonAsync<Page<AuditRecordDto>>($"/api/compliance/audit?action={AuditActions.LexiconChanged}", Json.Options);
        var all = await Admin.GetFromJsonAsync<Page<AuditRecordDto>>("/api/compliance/audit?limit=200", Json.Options);
        var reviewer = await (await As(Role.ComplianceReviewer)).GetAsync("/api/compliance/audit");

        Assert.Equal(2, page!.Items.Count);
        Assert.All(all!.Items, r => Assert.Matches("^[0-9a-f]{64}$", r.Hash));
        var bySeq = all.Items.OrderBy(r => r.Seq).ToList();
        for (var i = 1; i < bySeq.Count; i++)
        {
            Assert.Equal(bySeq[i - 1].Hash, bySeq[i].PrevHash);
        }
        Assert.Equal(HttpStatusCode.Forbidden, reviewer.StatusCode);
    }
}

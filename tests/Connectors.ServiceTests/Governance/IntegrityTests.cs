using System.Text.Json;
using Connectors.Alerts;
using Connectors.Audit;
using Connectors.Governance.Integrity;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static Connectors.Tests.Infrastructure.ScriptedSource;
using static Connectors.Tests.Governance.GovernanceHarness;

namespace Connectors.Tests.Governance;

/// <summary>The archive and the audit trail refuse changes, and the verifier finds the ones made around the guards.</summary>
[Collection(ServersCollection.Name)]
public sealed class IntegrityTests(ServersFixture servers) : IAsyncLifetime
{
    private GovernanceHarness _h = null!;
    private Guid _connector;

    public async Task InitializeAsync()
    {
        _h = await CreateAsync(servers, "integrity");
        _connector = await _h.AddConnectorAsync();
        await _h.ImportAsync(_connector, Message("m1", Alice, [Bob], "we agreed the price"), Message("m2", Bob, [Alice], "confirmed"));
        await using var db = _h.Db();
        for (var i = 0; i < 5; i++)
        {
            db.Record(new Actor($"admin{i}", "10.0.0.1"), AuditActions.ConnectorChanged, "connector", _connector.ToString(), new { field = $"f{i}" });
            await db.SaveChangesAsync();
        }
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task ArchivedItemsAndTheAuditTrailRefuseUpdatesAndDeletes()
    {
        await using var db = _h.Db();
        var statements = new[]
        {
            "UPDATE archive_items SET subject = 'changed'",
            "DELETE FROM archive_items",
            "UPDATE content_blobs SET content = '\\x00'",
            "DELETE FROM content_blobs",
            "TRUNCATE archive_items CASCADE",
            "UPDATE audit_records SET actor = 'someone else'",
            "DELETE FROM audit_records",
            "TRUNCATE audit_records",
        };
        foreach (var sql in statements)
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        Assert.Equal(2, await db.Items.CountAsync());
        Assert.Equal(0, await db.Items.CountAsync(i => i.Subject == "changed"));
    }

    [Fact]
    public async Task TheAuditTrailIsAHashChainInCommitOrderEvenWithConcurrentWriters()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            await using var db = _h.Db();
            db.Record(new Actor($"writer{i}", null), AuditActions.HoldPlaced, "legal-hold", i.ToString());
            await db.SaveChangesAsync();
        }));

        await using var check = _h.Db();
        var chain = await check.AuditRecords.OrderBy(a => a.Seq).ToListAsync();
        Assert.Equal(Enumerable.Range(1, chain.Count).Select(i => (long)i), chain.Select(a => a.Seq));
        Assert.Equal(new string('0', 64), chain[0].PrevHash);
        Assert.All(chain.Skip(1).Zip(chain), pair => Assert.Equal(pair.Second.Hash, pair.First.PrevHash));
        Assert.Equal(chain.Count, chain.Select(a => a.Hash).Distinct().Count());

        var result = await RunCheckAsync();
        Assert.Equal(IntegrityCheckStatus.Passed, result.Status);
        // The request of the check is audited too: one more record.
        Assert.Equal((2L, chain.Count + 1), (result.ItemsChecked, (int)result.AuditRecordsChecked));
        Assert.Equal(await check.AuditRecords.OrderBy(a => a.Seq).Select(a => a.Hash).LastAsync(), result.AuditHeadHash);
    }

    [Fact]
    public async Task ATamperedItemIsReportedPreciselyAndRaisesACriticalAlert()
    {
        long tampered;
        await using (var db = _h.Db())
        {
            tampered = await db.Items.Where(i => i.SourceId == "m2").Select(i => i.Id).SingleAsync();
            await WithoutGuardsAsync(db, "archive_items", $"UPDATE archive_items SET body_text = 'not what was said' WHERE id = {tampered}");
        }

        var result = await RunCheckAsync();

        Assert.Equal(IntegrityCheckStatus.Failed, result.Status);
        var problem = Assert.Single(Problems(result));
        Assert.Equal("item", problem.Kind);
        Assert.StartsWith($"archive item {tampered} (slack:T-TEST:m2)", problem.Target);
        await using var check = _h.Db();
        var alert = await check.Alerts.SingleAsync(a => a.Kind == AlertKind.IntegrityViolation);
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Contains($"archive item {tampered}", alert.Reason);
    }

    [Fact]
    public async Task ATamperedBlobIsReported()
    {
        string sha;
        await using (var db = _h.Db())
        {
            sha = await db.Items.Where(i => i.SourceId == "m1").Select(i => i.RawSha256).SingleAsync();
            await WithoutGuardsAsync(db, "content_blobs", $"UPDATE content_blobs SET content = convert_to('forged', 'UTF8') WHERE sha256 = '{sha}'");
        }

        var problem = Assert.Single(Problems(await RunCheckAsync()));

        Assert.Equal(("blob", $"content blob {sha}"), (problem.Kind, problem.Target));
    }

    [Fact]
    public async Task AChangedAuditRecordAndARemovedOneAreEachReportedBySeq()
    {
        await using (var db = _h.Db())
        {
            await WithoutGuardsAsync(db, "audit_records", "UPDATE audit_records SET actor = 'nobody' WHERE seq = 2");
            await WithoutGuardsAsync(db, "audit_records", "DELETE FROM audit_records WHERE seq = 3");
        }

        var problems = Problems(await RunCheckAsync());

        Assert.Contains(problems, p => p.Kind == "audit-record" && p.Target.StartsWith("audit record seq 2 "));
        Assert.Contains(problems, p => p.Kind == "audit-gap" && p.Target.StartsWith("audit record seq 4 ") && p.Detail.Contains("seq 3 to 3 are missing"));
        Assert.Contains(problems, p => p.Kind == "audit-link" && p.Target.StartsWith("audit record seq 4 "));
        Assert.DoesNotContain(problems, p => p.Kind == "item" || p.Target.StartsWith("audit record seq 1 "));
    }

    [Fact]
    public async Task RemovingTheNewestRecordsIsFoundAgainstTheHeadAnEarlierCheckRecorded()
    {
        var first = await RunCheckAsync();
        Assert.Equal(IntegrityCheckStatus.Passed, first.Status);
        await using (var db = _h.Db())
        {
            await WithoutGuardsAsync(db, "audit_records", "DELETE FROM audit_records WHERE seq >= 5");
        }

        var problems = Problems(await RunCheckAsync());

        var problem = Assert.Single(problems);
        Assert.Equal(("audit-anchor", $"integrity check {first.Id}"), (problem.Kind, problem.Target));
    }

    private async Task<IntegrityCheck> RunCheckAsync()
    {
        await using (var db = _h.Db())
        {
            await IntegrityRequests.RequestAsync(db, new Actor("tester", null), TimeProvider.System, CancellationToken.None);
        }
        await using (var db = _h.Db())
        {
            await _h.Governance().RunIntegrityChecksAsync(db, CancellationToken.None);
        }
        await using var check = _h.Db();
        return await check.IntegrityChecks.OrderByDescending(c => c.Id).FirstAsync(c => c.RequestedBy == "tester");
    }

    private static List<IntegrityProblem> Problems(IntegrityCheck check) =>
        JsonSerializer.Deserialize<List<IntegrityProblem>>(check.Problems, JsonSerializerOptions.Web)!;

    /// <summary>What someone with the owner's rights could do: switch the guards off, change a row, switch them on.</summary>
    private static async Task WithoutGuardsAsync(Data.ConnectorsDbContext db, string table, string sql)
    {
        var disable = "ALTER TABLE " + table + " DISABLE TRIGGER USER";
        var enable = "ALTER TABLE " + table + " ENABLE TRIGGER USER";
        await db.Database.ExecuteSqlRawAsync(disable);
        await db.Database.ExecuteSqlRawAsync(sql);
        await db.Database.ExecuteSqlRawAsync(enable);
    }
}

using System.Text.Json;
using Connectors.Archive;
using Connectors.Audit;
using Connectors.Governance.Holds;
using Connectors.Governance.Retention;
using Connectors.Mapping;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static Connectors.Tests.Infrastructure.ScriptedSource;
using static Connectors.Tests.Governance.GovernanceHarness;

namespace Connectors.Tests.Governance;

/// <summary>Retention policies applied by the sweeper, and legal holds that nothing can get past.</summary>
[Collection(ServersCollection.Name)]
public sealed class RetentionTests(ServersFixture servers) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly Actor Admin = new("admin", "10.0.0.9");
    private GovernanceHarness _h = null!;
    private Guid _connector;

    public async Task InitializeAsync()
    {
        _h = await CreateAsync(servers, "retention");
        _connector = await _h.AddConnectorAsync();
        // Three years old, two years old, and last week.
        await _h.ImportAsync(_connector,
            Message("old", Alice, [Bob], "three years ago", sent: Now.AddYears(-3)),
            Message("mid", Bob, [Alice], "two years ago", sent: Now.AddYears(-2)),
            Message("new", Alice, [Bob], "last week", sent: Now.AddDays(-7)));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task ExpiredItemsAreDeletedWithAnAuditRecordAndTheRestStay()
    {
        await AddPolicyAsync("Slack one year", RetentionScope.SourceType, "Slack", TimeSpan.FromDays(365), RetentionAction.Delete);
        string oldKey, oldHash;
        await using (var db = _h.Db())
        {
            (oldKey, oldHash) = await db.Items.Where(i => i.SourceId == "old").Select(i => new ValueTuple<string, string>(i.ItemKey, i.ContentHash)).SingleAsync();
        }

        await SweepAsync();

        await using var check = _h.Db();
        Assert.Equal(["new"], await check.Items.Select(i => i.SourceId).ToListAsync());
        Assert.Equal(2, await check.Placements.CountAsync());
        var purges = await check.AuditRecords.Where(a => a.Action == AuditActions.ItemPurged).ToListAsync();
        Assert.Equal(2, purges.Count);
        var details = JsonDocument.Parse(purges.Single(p => p.Details!.Contains(oldKey)).Details!).RootElement;
        Assert.Equal((oldKey, oldHash, "Slack one year"), (details.GetProperty("itemKey").GetString(), details.GetProperty("contentHash").GetString(),
            details.GetProperty("policyName").GetString()));
        Assert.All(purges, p => Assert.Equal(RetentionSweeper.Actor, p.Actor));
    }

    [Fact]
    public async Task ADeletedItemTakesItsRawBytesAndAttachmentsUnlessAnotherItemStillRefersToThem()
    {
        var (only, shared) = (await StoreAsync("only this item's file"), await StoreAsync("a file both items carry"));
        var old = Message("with-files", Alice, [Bob], "see attached", sent: Now.AddYears(-4));
        var recent = Message("also-shared", Bob, [Alice], "same file", sent: Now.AddDays(-1));
        await _h.ImportAsync(_connector,
            WithAttachments(old, new ItemAttachment("only.txt", 21, "text/plain", only), new ItemAttachment("shared.txt", 23, "text/plain", shared)),
            WithAttachments(recent, new ItemAttachment("shared.txt", 23, "text/plain", shared)));
        string raw;
        await using (var db = _h.Db())
        {
            raw = await db.Items.Where(i => i.SourceId == "with-files").Select(i => i.RawSha256).SingleAsync();
        }
        await AddPolicyAsync("Slack one year", RetentionScope.SourceType, "Slack", TimeSpan.FromDays(365), RetentionAction.Delete);

        await SweepAsync();

        await using var check = _h.Db();
        var left = await check.Blobs.Select(b => b.Sha256).ToListAsync();
        Assert.DoesNotContain(only, left);
        Assert.DoesNotContain(raw, left);
        Assert.Contains(shared, left);
    }

    private async Task<string> StoreAsync(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        await ContentStore.StoreAsync(_h.Database, sha, bytes.Length, new MemoryStream(bytes), CancellationToken.None);
        return sha;
    }

    private static SourceItem WithAttachments(SourceItem item, params ItemAttachment[] attachments) => new()
    {
        SourceAccount = item.SourceAccount, SourceId = item.SourceId, ConversationId = item.ConversationId, Sender = item.Sender,
        Recipients = item.Recipients, SentAt = item.SentAt, SentAtText = item.SentAtText, BodyText = item.BodyText, Raw = item.Raw,
        Attachments = attachments,
    };

    [Fact]
    public async Task TheLongestRetentionWinsSoARetainOnlyPolicyKeepsItems()
    {
        await AddPolicyAsync("Everything one year", RetentionScope.Organization, null, TimeSpan.FromDays(365), RetentionAction.Delete);
        await AddPolicyAsync("Slack ten years", RetentionScope.ItemClass, "ipm.externaldata.slack*", TimeSpan.FromDays(3650), RetentionAction.RetainOnly);

        await SweepAsync();

        await using var check = _h.Db();
        Assert.Equal(3, await check.Items.CountAsync());
    }

    [Fact]
    public async Task ADeletePolicyAppliesOnceTheLongestRetentionHasEnded()
    {
        await AddPolicyAsync("Slack one year", RetentionScope.SourceType, "Slack", TimeSpan.FromDays(365), RetentionAction.Delete);
        await AddPolicyAsync("Keep 30 months", RetentionScope.Organization, null, TimeSpan.FromDays(913), RetentionAction.RetainOnly);

        var sweep = await SweepAsync();

        Assert.Equal(1, sweep.Deleted);
        await using var check = _h.Db();
        Assert.Equal(["mid", "new"], await check.Items.OrderBy(i => i.SourceId).Select(i => i.SourceId).ToListAsync());
    }

    [Fact]
    public async Task APassThatStopsEarlyIsContinuedByTheNextFromWhereItStopped()
    {
        await AddPolicyAsync("Slack one year", RetentionScope.SourceType, "Slack", TimeSpan.FromDays(365), RetentionAction.Delete);
        await using var db = _h.Db();

        var first = await RetentionSweeper.SweepAsync(db, DateTimeOffset.UtcNow, batchSize: 1, maxBatches: 1, CancellationToken.None);
        var second = await RetentionSweeper.SweepAsync(db, DateTimeOffset.UtcNow, batchSize: 1, maxBatches: 1, CancellationToken.None, first.Next);
        var third = await RetentionSweeper.SweepAsync(db, DateTimeOffset.UtcNow, batchSize: 1, maxBatches: 1, CancellationToken.None, second.Next);

        Assert.Equal((1, 1, 0), (first.Deleted, second.Deleted, third.Deleted));
        Assert.NotNull(second.Next);
        Assert.Null(third.Next);
        Assert.Equal(["new"], await db.Items.Select(i => i.SourceId).ToListAsync());
    }

    [Fact]
    public async Task SettingThePurgeFlagByHandDoesNotLetAnItemBeDeletedWithoutItsAuditRecord()
    {
        await using var db = _h.Db();
        var old = await db.Items.Where(i => i.SourceId == "old").Select(i => i.Id).SingleAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlAsync($"SELECT set_config('connectors.retention_purge', 'on', true)");
        await db.Database.ExecuteSqlAsync($"DELETE FROM mailbox_placements WHERE item_id = {old}");

        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlAsync($"DELETE FROM archive_items WHERE id = {old}"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task AHoldCanOnlyBeReleasedNeverRewrittenOrDeleted()
    {
        await using var db = _h.Db();
        var (hold, _) = await Holds.PlaceAsync(db, new Holds.Request("Matter 7", null, "bob@contoso.com", null, null, null, null), Admin,
            TimeProvider.System, CancellationToken.None);
        var statements = new[]
        {
            $"UPDATE legal_holds SET account_id = NULL, connector_id = '{Guid.NewGuid()}' WHERE id = '{hold!.Id}'",
            $"UPDATE legal_holds SET sent_to = now() - interval '100 years' WHERE id = '{hold.Id}'",
            $"DELETE FROM legal_holds WHERE id = '{hold.Id}'",
            "TRUNCATE legal_holds CASCADE",
            "TRUNCATE mailbox_placements",
        };
        foreach (var sql in statements)
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        var (released, error) = await Holds.ReleaseAsync(db, hold.Id, "closed", Admin, TimeProvider.System, CancellationToken.None);
        Assert.Null(error);
        Assert.NotNull(released!.ReleasedAt);
        var again = await Assert.ThrowsAsync<PostgresException>(() =>
            db.Database.ExecuteSqlAsync($"UPDATE legal_holds SET released_at = NULL WHERE id = {hold.Id}"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, again.SqlState);
    }

    [Fact]
    public async Task AHeldCustodiansItemsSurviveTheSweepAndEveryOtherPath()
    {
        await AddPolicyAsync("Slack one year", RetentionScope.Connector, _connector.ToString(), TimeSpan.FromDays(365), RetentionAction.Delete);
        await using (var db = _h.Db())
        {
            // Bob is a custodian for items sent in the last 30 months: "mid" is held, "old" is not.
            var (hold, errors) = await Holds.PlaceAsync(db, new Holds.Request("Matter 42", null, "BOB@contoso.com", null, null, Now.AddMonths(-30), null),
                Admin, TimeProvider.System, CancellationToken.None);
            Assert.Empty(errors);
            Assert.NotNull(hold);
        }

        var sweep = await SweepAsync();

        await using var check = _h.Db();
        Assert.Equal(["mid", "new"], await check.Items.OrderBy(i => i.SourceId).Select(i => i.SourceId).ToListAsync());
        Assert.Contains(sweep.Skipped, s => s.Contains("under legal hold"));
        var mid = await check.Items.Where(i => i.SourceId == "mid").Select(i => i.Id).SingleAsync();
        // Not even the purge function, nor a direct delete in purge mode, nor removing Bob's copy gets past the hold.
        Assert.StartsWith("under legal hold", await RetentionSweeper.PurgeAsync(check, mid, Guid.Empty, CancellationToken.None));
        await using (var purge = await check.Database.BeginTransactionAsync())
        {
            await check.Database.ExecuteSqlAsync($"SELECT set_config('connectors.retention_purge', 'on', true)");
            var placement = await Assert.ThrowsAsync<PostgresException>(() =>
                check.Database.ExecuteSqlAsync($"DELETE FROM mailbox_placements WHERE item_id = {mid} AND account_id = {_h.BobId}"));
            Assert.Contains("legal hold", placement.MessageText);
        }
        Assert.Equal(1, await check.AuditRecords.CountAsync(a => a.Action == AuditActions.HoldPlaced && a.Actor == "admin"));
    }

    [Fact]
    public async Task AReleasedHoldNeedsAReasonIsAuditedAndLetsRetentionApply()
    {
        Guid holdId;
        await using (var db = _h.Db())
        {
            var (hold, _) = await Holds.PlaceAsync(db, new Holds.Request("Everything", null, null, _connector, null, null, null),
                Admin, TimeProvider.System, CancellationToken.None);
            holdId = hold!.Id;
            var (_, missingReason) = await Holds.ReleaseAsync(db, holdId, " ", Admin, TimeProvider.System, CancellationToken.None);
            Assert.NotNull(missingReason);
        }
        await AddPolicyAsync("Slack one year", RetentionScope.SourceType, "Slack", TimeSpan.FromDays(365), RetentionAction.Delete);
        Assert.Equal(0, (await SweepAsync()).Deleted);

        await using (var db = _h.Db())
        {
            var (released, error) = await Holds.ReleaseAsync(db, holdId, "Matter closed", Admin, TimeProvider.System, CancellationToken.None);
            Assert.Null(error);
            Assert.NotNull(released!.ReleasedAt);
        }

        Assert.Equal(2, (await SweepAsync()).Deleted);
        await using var check = _h.Db();
        var releaseRecord = await check.AuditRecords.SingleAsync(a => a.Action == AuditActions.HoldReleased);
        Assert.Contains("Matter closed", releaseRecord.Details);
    }

    [Fact]
    public async Task AReviewPolicySendsItemsToDispositionAndOnlyAnApprovalDeletesThem()
    {
        await AddPolicyAsync("Slack review", RetentionScope.SourceType, "Slack", TimeSpan.FromDays(365), RetentionAction.DispositionReview);

        var first = await SweepAsync();

        Assert.Equal((0, 2), (first.Deleted, first.SentToReview));
        long old, mid;
        await using (var db = _h.Db())
        {
            old = await db.Items.Where(i => i.SourceId == "old").Select(i => i.Id).SingleAsync();
            mid = await db.Items.Where(i => i.SourceId == "mid").Select(i => i.Id).SingleAsync();
            Assert.Equal(2, await db.DispositionReviews.CountAsync(r => r.State == DispositionState.Pending));
            await Dispositions.DecideAsync(db, old, approve: true, null, "no longer needed", Admin, TimeProvider.System, CancellationToken.None);
            await Dispositions.DecideAsync(db, mid, approve: false, null, "keep: litigation likely", Admin, TimeProvider.System, CancellationToken.None);
            var (_, again) = await Dispositions.DecideAsync(db, mid, approve: true, null, null, Admin, TimeProvider.System, CancellationToken.None);
            Assert.NotNull(again);
        }

        var second = await SweepAsync();

        Assert.Equal(1, second.Deleted);
        await using var check = _h.Db();
        Assert.Equal(["mid", "new"], await check.Items.OrderBy(i => i.SourceId).Select(i => i.SourceId).ToListAsync());
        Assert.Equal(2, await check.AuditRecords.CountAsync(a => a.Action == AuditActions.DispositionDecided));
    }

    [Fact]
    public async Task AConnectorScopedToUsersOnHoldImportsOnlyTheirMailboxes()
    {
        var scoped = await _h.AddConnectorAsync(MappingSettings.Default with { Scope = ScopeMode.UsersOnHold });
        await using (var db = _h.Db())
        {
            await Holds.PlaceAsync(db, new Holds.Request("Alice", null, "alice@contoso.com", null, null, null, null), Admin, TimeProvider.System,
                CancellationToken.None);
        }

        var run = await _h.ImportAsync(scoped, Message("s1", Alice, [Bob], "scoped"));

        Assert.Equal(1, run.Counts.ItemsImported);
        await using var check = _h.Db();
        var item = await check.Items.SingleAsync(i => i.SourceId == "s1");
        Assert.Equal([_h.AliceId], await check.Placements.Where(p => p.ItemId == item.Id).Select(p => p.AccountId).ToListAsync());
    }

    private async Task AddPolicyAsync(string name, RetentionScope scope, string? value, TimeSpan period, RetentionAction action)
    {
        await using var db = _h.Db();
        db.RetentionPolicies.Add(new RetentionPolicy
        {
            Name = name, Scope = scope, ScopeValue = value, RetainFor = period, Action = action, CreatedAt = Now, CreatedBy = "admin", UpdatedAt = Now,
        });
        await db.SaveChangesAsync();
    }

    private async Task<SweepResult> SweepAsync()
    {
        await using var db = _h.Db();
        return await RetentionSweeper.SweepAsync(db, DateTimeOffset.UtcNow, batchSize: 2, maxBatches: 50, CancellationToken.None);
    }
}

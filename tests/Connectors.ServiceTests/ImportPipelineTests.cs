using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Imports;
using Connectors.Mapping;
using Connectors.Runs;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using static Connectors.Tests.Infrastructure.ScriptedSource;

namespace Connectors.Tests;

/// <summary>The import pipeline with a source that emits duplicates, edits, deletions, bad items and unmapped people.</summary>
[Collection(ServersCollection.Name)]
public sealed class ImportPipelineTests(ServersFixture servers) : IAsyncLifetime
{
    private static readonly SourceIdentity Alice = Person("U-ALICE", "alice@contoso.com");
    private static readonly SourceIdentity Bob = Person("U-BOB", "Bob@Contoso.com");
    private static readonly SourceIdentity Carol = Person("U-CAROL", "carol@elsewhere.example");
    private static readonly SourceIdentity Dave = Person("U-DAVE");
    private static readonly SourceIdentity Erin = Person("U-ERIN");

    private string _database = null!;
    private readonly ScriptedSource _source = new(ConnectorTypes.Slack);
    private IHost _worker = null!;
    private Guid _alice, _bob;

    public async Task InitializeAsync()
    {
        _database = await servers.CreateDatabaseAsync("pipeline");
        _worker = WorkerHost.Create(_database, servers.RedisConnectionString, configure: s =>
        {
            s.RemoveAll<IConnectorSource>();
            s.AddSingleton<IConnectorSource>(_source);
        });
        await using var db = Db();
        _alice = AddAccount(db, "alice@contoso.com");
        _bob = AddAccount(db, "bob@contoso.com");
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        _worker.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>One batch with every kind of trouble a source can produce.</summary>
    private ScriptedBatch Troublesome() => new("c1",
    [
        Message("m1", Alice, [Bob], "hello"),
        Message("m1", Alice, [Bob], "hello"),                                  // delivered twice
        Message("m2", Alice, [Carol], "to an outsider"),                       // Carol is not in the directory
        Message("m3", Dave, [Erin], "nobody we know"),                         // nobody can be mapped
        Message("m1", Alice, [Bob], "hello, edited", kind: VersionKind.Edit, marker: "edit-1"),
        Message("m2", Alice, [Carol], "", kind: VersionKind.Deletion, marker: "deleted-1"),
    ], ["garbled line 7"]);

    [Fact]
    public async Task EveryItemIsAccountedForAndBothEquationsHold()
    {
        var connector = await AddConnectorAsync();
        _source.Batches.Add(Troublesome());

        var run = await _worker.RunOnceAsync(connector);

        var c = run!.Counts;
        Assert.Equal("", run.Error ?? "");
        Assert.Empty(c.Imbalances());
        Assert.Equal((7L, 6L, 1L), (c.ItemsFromSource, c.ItemsParsed, c.ItemsFailedToParse));
        // Copies: m1 ×2 mailboxes, its replay ×2, m2 ×1 (Alice), m3 ×1 quarantined, edit ×2, deletion ×1, bad item ×1.
        Assert.Equal(10, c.ItemsForImport);
        Assert.Equal((6L, 2L, 1L, 1L, 0L), (c.ItemsImported, c.ItemsSkippedDuplicate, c.ItemsQuarantined, c.ItemsFailed, c.ItemsExcluded));
        Assert.Equal(RunOutcome.Partial, run.Outcome);

        await using var db = Db();
        var failure = await db.Failures.SingleAsync(f => f.RunId == run.Id);
        Assert.Equal("garbled line 7", failure.Reason);
        var worklist = await db.UnmappedIdentities.Where(u => u.ConnectorId == connector).OrderBy(u => u.SourceId).ToListAsync();
        Assert.Equal(["U-CAROL", "U-DAVE", "U-ERIN"], worklist.Select(u => u.SourceId));
        Assert.Equal("carol@elsewhere.example", worklist[0].Email);
        var status = await db.Connectors.SingleAsync(x => x.Id == connector);
        Assert.Equal(ConnectorStatus.Warning, status.RunStatus);
    }

    [Fact]
    public async Task EditsAndDeletionsAreNewVersionsBesideTheOriginalNeverOverwrites()
    {
        var connector = await AddConnectorAsync();
        _source.Batches.Add(Troublesome());
        await _worker.RunOnceAsync(connector);

        await using var db = Db();
        var m1 = await db.Items.Where(i => i.SourceId == "m1").OrderBy(i => i.Id).ToListAsync();
        Assert.Equal([VersionKind.Original, VersionKind.Edit], m1.Select(i => i.VersionKind));
        Assert.Equal(["hello", "hello, edited"], m1.Select(i => i.BodyText));
        Assert.All(m1, i => Assert.Equal("slack:T-TEST:m1", i.ItemKey));
        Assert.Equal("ipm.externaldata.slack", m1[0].ItemClass);
        var m2 = await db.Items.Where(i => i.SourceId == "m2").OrderBy(i => i.Id).Select(i => i.VersionKind).ToListAsync();
        Assert.Equal([VersionKind.Original, VersionKind.Deletion], m2);
        // The raw bytes are kept once by hash.
        var blob = await db.Blobs.SingleAsync(b => b.Sha256 == m1[0].RawSha256);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(blob.Content)), blob.Sha256);

        var alice = await db.Placements.Where(p => p.AccountId == _alice).ToListAsync();
        Assert.Equal(4, alice.Count); // m1, its edit, m2, its deletion
        Assert.All(alice, p => Assert.Equal("Slack", p.Folder));
        Assert.Equal(2, await db.Placements.CountAsync(p => p.AccountId == _bob));
    }

    [Fact]
    public async Task ReplayingTheSameSourceDataImportsNothingTwice()
    {
        var connector = await AddConnectorAsync();
        _source.Batches.Add(Troublesome());
        await _worker.RunOnceAsync(connector);
        await using var before = Db();
        var items = await before.Items.CountAsync();
        var placements = await before.Placements.CountAsync();

        await ResetCursorAsync(connector); // a lookback re-reads everything
        var replay = await _worker.RunOnceAsync(connector);

        var c = replay!.Counts;
        Assert.Empty(c.Imbalances());
        Assert.Equal((0L, 0L, 9L, 1L), (c.ItemsImported, c.ItemsQuarantined, c.ItemsSkippedDuplicate, c.ItemsFailed));
        await using var after = Db();
        Assert.Equal(items, await after.Items.CountAsync());
        Assert.Equal(placements, await after.Placements.CountAsync());
    }

    [Fact]
    public async Task TwoConnectorsOnOneSourceStoreEachItemOnce()
    {
        var first = await AddConnectorAsync();
        var second = await AddConnectorAsync();
        _source.Batches.Add(new ScriptedBatch("c1", Message("m1", Alice, [Bob], "hello")));

        await _worker.RunOnceAsync(first);
        var again = await _worker.RunOnceAsync(second);

        Assert.Equal((0L, 2L), (again!.Counts.ItemsImported, again.Counts.ItemsSkippedDuplicate));
        await using var db = Db();
        Assert.Equal(1, await db.Items.CountAsync(i => i.SourceId == "m1"));
    }

    [Fact]
    public async Task AddingAMappingReleasesQuarantinedItemsIntoTheMailbox()
    {
        var connector = await AddConnectorAsync();
        _source.Batches.Add(Troublesome());
        await _worker.RunOnceAsync(connector);

        await using (var db = Db())
        {
            db.Mappings.Add(new IdentityMapping { ConnectorId = connector, SourceId = "U-DAVE", AccountId = _bob, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "test" });
            await db.SaveChangesAsync();
        }
        var next = await _worker.RunOnceAsync(connector);

        Assert.Equal(1, next!.ItemsReleasedFromQuarantine);
        await using var check = Db();
        var m3 = await check.Items.SingleAsync(i => i.SourceId == "m3");
        Assert.True(await check.Placements.AnyAsync(p => p.ItemId == m3.Id && p.AccountId == _bob));
        Assert.NotNull((await check.Quarantine.SingleAsync(q => q.ItemId == m3.Id)).ReleasedAt);
        var worklist = await check.UnmappedIdentities.Where(u => u.ConnectorId == connector).Select(u => u.SourceId).ToListAsync();
        Assert.DoesNotContain("U-DAVE", worklist);
        Assert.Equal(ConnectorStatus.Active, (await check.Connectors.SingleAsync(x => x.Id == connector)).RunStatus);
    }

    [Fact]
    public async Task ACustomMappingAppliesOnlyWithinItsValidityDates()
    {
        var connector = await AddConnectorAsync();
        var handover = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var db = Db())
        {
            // The vendor id U-DESK belonged to Alice until June, then to Bob.
            db.Mappings.Add(new IdentityMapping { ConnectorId = connector, SourceId = "U-DESK", AccountId = _alice, ValidTo = handover, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "test" });
            db.Mappings.Add(new IdentityMapping { ConnectorId = connector, SourceId = "U-DESK", AccountId = _bob, ValidFrom = handover, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "test" });
            await db.SaveChangesAsync();
        }
        var desk = Person("U-DESK");
        _source.Batches.Add(new ScriptedBatch("c1",
            Message("before", desk, [Dave], "May", sent: handover.AddDays(-1)),
            Message("after", desk, [Dave], "June", sent: handover.AddDays(1))));

        await _worker.RunOnceAsync(connector);

        await using var check = Db();
        Assert.Equal(_alice, await PlacedInAsync(check, "before"));
        Assert.Equal(_bob, await PlacedInAsync(check, "after"));
    }

    [Fact]
    public async Task AListedScopeExcludesOtherPeoplesItems()
    {
        var connector = await AddConnectorAsync(new MappingSettings(Scope: ScopeMode.Listed, ScopeAccounts: ["alice@contoso.com"]));
        _source.Batches.Add(new ScriptedBatch("c1",
            Message("both", Alice, [Bob], "both"),
            Message("bob-only", Bob, [Carol], "bob")));

        var run = await _worker.RunOnceAsync(connector);

        Assert.Equal((1L, 1L), (run!.Counts.ItemsImported, run.Counts.ItemsExcluded));
        Assert.Empty(run.Counts.Imbalances());
        await using var check = Db();
        Assert.Equal(_alice, await PlacedInAsync(check, "both"));
        Assert.False(await check.Items.AnyAsync(i => i.SourceId == "bob-only"));
    }

    [Fact]
    public async Task ACatchAllMailboxTakesItemsNobodyCanBeMappedFor()
    {
        var connector = await AddConnectorAsync(new MappingSettings(Unmapped: UnmappedPolicy.CatchAll, CatchAllAccount: "bob@contoso.com"));
        _source.Batches.Add(new ScriptedBatch("c1", Message("m3", Dave, [Erin], "nobody we know")));

        var run = await _worker.RunOnceAsync(connector);

        Assert.Equal((1L, 0L), (run!.Counts.ItemsImported, run.Counts.ItemsQuarantined));
        await using var check = Db();
        Assert.Equal(_bob, await PlacedInAsync(check, "m3"));
    }

    [Fact]
    public async Task ACrashAfterACommittedBatchResumesFromItsCursorAndEndsWithTheSameArchive()
    {
        var connector = await AddConnectorAsync();
        _source.Batches.AddRange([
            new ScriptedBatch("c1", Message("a", Alice, [Bob], "one")),
            new ScriptedBatch("c2", Message("b", Alice, [Bob], "two")),
            new ScriptedBatch("c3", Message("c", Alice, [Bob], "three"))]);
        _source.CrashAfterBatches = 1;

        var crashed = await _worker.RunOnceAsync(connector);
        Assert.Equal(RunOutcome.Failed, crashed!.Outcome);
        await using (var db = Db())
        {
            Assert.Equal("c1", (await db.Cursors.SingleAsync(x => x.ConnectorId == connector)).Value);
            Assert.Equal(["a"], await db.Items.Select(i => i.SourceId).ToListAsync());
        }

        _source.CrashAfterBatches = null;
        var resumed = await _worker.RunOnceAsync(connector);

        Assert.Equal("c1", _source.CursorsSeen[^1]);
        Assert.Equal(4L, resumed!.Counts.ItemsImported);
        await using var check = Db();
        Assert.Equal(["a", "b", "c"], await check.Items.OrderBy(i => i.SourceId).Select(i => i.SourceId).ToListAsync());
        Assert.Equal(6, await check.Placements.CountAsync());
    }

    [Fact]
    public async Task WhenALockSilentlyExpiresTheStaleWorkerCannotCommitAndNothingIsDuplicatedOrLost()
    {
        var connector = await AddConnectorAsync();
        var items = new ScriptedBatch("c1", Message("x", Alice, [Bob], "one"), Message("y", Bob, [Alice], "two"), Message("z", Alice, [Bob], "three"));
        var gate = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        // The stale worker read the same items but would move the cursor somewhere else, if it could commit.
        var staleSource = new GatedSource(new ScriptedSource(ConnectorTypes.Slack) { Batches = { items with { Cursor = "stale-cursor" } } }, entered, gate.Task);
        var freshSource = new ScriptedSource(ConnectorTypes.Slack) { Batches = { items } };
        using var stale = Scheduler(staleSource, "stale-worker");
        using var fresh = Scheduler(freshSource, "fresh-worker");

        // The first worker takes the lock and stalls mid-run; then its Redis lock vanishes (expiry, failover…).
        await stale.StartAsync();
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        foreach (var key in server.Keys(pattern: $"*{connector}*"))
        {
            await redis.GetDatabase().KeyDeleteAsync(key);
        }

        // A second worker sees a connector still "Running" whose lock is free, and takes it over.
        await fresh.StartAsync();
        await WaitForAsync(async db => await db.Runs.AnyAsync(r => r.ConnectorId == connector && r.WorkerId == "fresh-worker" && r.Outcome != null));
        gate.SetResult();
        // Let the stale worker try its commit before anything stops.
        await staleSource.Finished.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitForAsync(async db => await db.Runs.AllAsync(r => r.Outcome != null));
        await stale.StopAsync();
        await fresh.StopAsync();

        await using var check = Db();
        var runs = await check.Runs.Where(r => r.ConnectorId == connector).OrderBy(r => r.Id).ToListAsync();
        Assert.Equal(RunOutcome.Failed, runs[0].Outcome);
        Assert.Equal("stale-worker", runs[0].WorkerId);
        Assert.Contains(runs.Skip(1), r => r.WorkerId == "fresh-worker" && r.Outcome == RunOutcome.Succeeded && r.Trigger == RunTrigger.Recovery);
        Assert.Equal(["x", "y", "z"], await check.Items.OrderBy(i => i.SourceId).Select(i => i.SourceId).ToListAsync());
        Assert.Equal(6, await check.Placements.CountAsync());
        Assert.Equal(6, runs.Sum(r => r.Counts.ItemsImported));
        Assert.Equal("c1", (await check.Cursors.SingleAsync(c => c.ConnectorId == connector)).Value);
    }

    [Fact]
    public async Task ADirectoryAccountCanBeDisabledButNeverDeletedSoItsMailboxStays()
    {
        var connector = await AddConnectorAsync();
        _source.Batches.Add(new ScriptedBatch("c1", Message("m1", Alice, [Bob], "hello")));
        await _worker.RunOnceAsync(connector);

        await using var db = Db();
        var alice = await db.Accounts.SingleAsync(a => a.Id == _alice);
        db.Accounts.Remove(alice);
        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.Contains("cannot be deleted", refused.InnerException!.Message);
        await using var check = Db();
        Assert.Equal(1, await check.Placements.CountAsync(p => p.AccountId == _alice));
    }

    [Fact]
    public async Task PlacementsCanOnlyNameRealItemsAndAccountsAndAPlacedItemCannotBeDeleted()
    {
        var connector = await AddConnectorAsync();
        _source.Batches.Add(new ScriptedBatch("c1", Message("m1", Alice, [Bob], "hello")));
        await _worker.RunOnceAsync(connector);
        await using var db = Db();
        var item = await db.Items.SingleAsync(i => i.SourceId == "m1");

        var noItem = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlAsync(
            $"INSERT INTO mailbox_placements (item_id, account_id, folder, connector_id, run_id, placed_at) VALUES ({item.Id + 1000}, {_alice}, 'Slack', {connector}, 1, now())"));
        var noAccount = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlAsync(
            $"INSERT INTO mailbox_placements (item_id, account_id, folder, connector_id, run_id, placed_at) VALUES ({item.Id}, {Guid.NewGuid()}, 'Slack', {connector}, 1, now())"));
        // Archived content is immutable; even the purge path cannot delete an item still in a mailbox.
        var immutable = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlAsync(
            $"DELETE FROM archive_items WHERE id = {item.Id}"));
        await using (var purge = await db.Database.BeginTransactionAsync())
        {
            // As purge_archive_item does: the purge flag and the item's audit record in this transaction.
            await db.Database.ExecuteSqlAsync($"SELECT set_config('connectors.retention_purge', 'on', true)");
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO audit_records (at, actor, action, target_type, target_id) VALUES (now(), 'test', 'item.purged', 'archive-item', {item.Id.ToString()})");
            var placedItem = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlAsync(
                $"DELETE FROM archive_items WHERE id = {item.Id}"));
            Assert.Equal(Npgsql.PostgresErrorCodes.ForeignKeyViolation, placedItem.SqlState);
        }

        Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, immutable.SqlState);
        Assert.All([noItem, noAccount], e => Assert.Equal(Npgsql.PostgresErrorCodes.ForeignKeyViolation, e.SqlState));
        Assert.Equal(2, await db.Placements.CountAsync(p => p.ItemId == item.Id));
    }

    private IHost Scheduler(IConnectorSource source, string workerId) =>
        WorkerHost.Create(_database, servers.RedisConnectionString, withScheduler: true, workerId: workerId, configure: s =>
        {
            s.RemoveAll<IConnectorSource>();
            s.AddSingleton(source);
        });

    private async Task WaitForAsync(Func<ConnectorsDbContext, Task<bool>> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            await using var db = Db();
            if (await done(db))
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("Not done within 60 s.");
    }

    /// <summary>Stops inside the run (after it started and holds the lock) until the gate opens.</summary>
    private sealed class GatedSource(IConnectorSource inner, TaskCompletionSource entered, Task gate) : IConnectorSource
    {
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Type => inner.Type;

        /// <summary>Completes when the gated import has ended, committed or refused.</summary>
        public Task Finished => _finished.Task;

        public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
        {
            entered.TrySetResult();
            try
            {
                await gate.WaitAsync(cancellationToken);
                await inner.ImportAsync(context, cancellationToken);
            }
            finally
            {
                _finished.TrySetResult();
            }
        }
    }

    private ConnectorsDbContext Db() => new(DataExtensions.CreateOptions(_database));

    private static Guid AddAccount(ConnectorsDbContext db, string email)
    {
        var account = new DirectoryAccount { Email = email, DisplayName = email, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        db.Accounts.Add(account);
        return account.Id;
    }

    private async Task<Guid> AddConnectorAsync(MappingSettings? mapping = null)
    {
        await using var db = Db();
        var connector = new Connector
        {
            Name = $"Scripted {Guid.NewGuid():N}",
            Type = ConnectorTypes.Slack,
            Mapping = System.Text.Json.JsonSerializer.Serialize(mapping ?? MappingSettings.Default, IdentityResolver.SettingsJson),
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            NextRunAt = DateTimeOffset.UtcNow,
        };
        db.Connectors.Add(connector);
        await db.SaveChangesAsync();
        return connector.Id;
    }

    private async Task ResetCursorAsync(Guid connector)
    {
        await using var db = Db();
        await db.Cursors.Where(c => c.ConnectorId == connector).ExecuteDeleteAsync();
    }

    private static async Task<Guid> PlacedInAsync(ConnectorsDbContext db, string sourceId) =>
        await db.Placements.Join(db.Items.Where(i => i.SourceId == sourceId), p => p.ItemId, i => i.Id, (p, _) => p.AccountId).SingleAsync();
}

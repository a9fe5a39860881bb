using System.Text.Json;
using Connectors.Alerts;
using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Data;
using Connectors.Imports;
using Connectors.Mapping;
using Connectors.Runs;
using Connectors.Sources.Jabber;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using static Connectors.Tests.Jabber.CiscoComplianceDatabase;

namespace Connectors.Tests.Jabber;

/// <summary>
/// Cisco Jabber from a real PostgreSQL external compliance database with Cisco's tables: every table imported
/// with its people, each table's high-water mark on its own, rows Cisco's cleanup deleted before they were
/// imported, an import falling behind, bad rows and a rejected login.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class JabberImportTests(ServersFixture servers) : IAsyncLifetime
{
    private CiscoComplianceDatabase _cisco = null!;
    private IHost _worker = null!;
    private Guid _alice, _bob, _carol;

    public async Task InitializeAsync()
    {
        var database = await servers.CreateDatabaseAsync("jabber");
        _cisco = await CiscoComplianceDatabase.CreateAsync(servers);
        _worker = WorkerHost.Create(database, servers.RedisConnectionString, configure: s =>
            // Once the source is registered in Core this adds nothing.
            s.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectorSource, JabberSource>()));
        await using var scope = _worker.Services.CreateAsyncScope();
        var db = scope.Db();
        _alice = AddAccount(db, "alice@contoso.com");
        _bob = AddAccount(db, "bob@contoso.com");
        _carol = AddAccount(db, "carol@contoso.com");
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        _worker.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EveryTableIsImportedWithItsSendersAndRecipientsIntoTheCiscoJabberFolder()
    {
        // Alice stays in the room; Bob is there from minute 1 to 30; Carol comes at minute 40.
        await _cisco.StayAsync("alice", "Alice", 0, null);
        await _cisco.StayAsync("bob", "Bob", 1, 30);
        await _cisco.StayAsync("carol", "Carol", 40, null);
        await _cisco.GroupMessageAsync(1, Jid("alice"), "Alice", 5, "morning all");
        await _cisco.GroupMessageAsync(2, Jid("carol"), "Carol", 45, "afternoon");
        // The archiver writes Alice's message to Bob twice: as sent (O) and as received (I).
        await _cisco.InstantMessageAsync(Jid("alice"), "bob@contoso.com", 10, "O", "lunch?");
        await _cisco.InstantMessageAsync(Jid("alice"), Jid("bob", "jabber_7"), 10, "I", "lunch?");
        // Bob's reply has its text only in the stanza.
        await _cisco.InstantMessageAsync(Jid("bob", "jabber_7"), "alice@contoso.com", 11, "O", null,
            "<message xmlns=\"jabber:client\" type=\"chat\" to=\"alice@contoso.com\"><body>sure &amp; soon</body><thread>thread-1</thread></message>");
        await _cisco.FileTransferAsync(1, Jid("alice"), Jid("bob", "jabber_7"), "POST", "q4-forecast.xlsx", 2048, 12);
        await _cisco.FileTransferAsync(2, Jid("bob", "jabber_7"), Jid("bob", "jabber_7"), "GET", "q4-forecast.xlsx", 2048, 13);
        var connector = await AddConnectorAsync(_cisco.Settings(servers.PostgresPort));

        var run = await _worker.RunOnceAsync(connector);

        Assert.Equal("", run!.Error ?? "");
        var c = run.Counts;
        Assert.Empty(c.Imbalances());
        // Ten rows; copies: group 2+2, IM 2 (+2 duplicates from the second direction) + 2, stays 3, upload 2 (partial), download 1.
        Assert.Equal((10L, 12L, 2L, 2L, 0L), (c.ItemsFromSource, c.ItemsImported, c.ItemsPartiallyImported, c.ItemsSkippedDuplicate, c.ItemsFailed));
        Assert.Equal(RunOutcome.Partial, run.Outcome);

        await using var scope = _worker.Services.CreateAsyncScope();
        var db = scope.Db();
        var items = await db.Items.Where(i => i.ConnectorId == connector).ToListAsync();
        Assert.Equal(9, items.Count);
        Assert.Equal(new Dictionary<string, int> { ["aft_log"] = 2, ["jm"] = 2, ["tc_msgarchive"] = 2, ["tc_timelog"] = 3 },
            items.GroupBy(i => i.SourceId[..i.SourceId.IndexOf(':')]).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()));
        Assert.All(items, i => Assert.Equal("cup.contoso.com", i.SourceAccount));

        var morning = items.Single(i => i.SourceId == $"tc_msgarchive:{Room}:1");
        Assert.Equal(("alice@contoso.com", "bob@contoso.com"), (SenderOf(morning), RecipientsOf(morning)));
        Assert.Equal((Room, "morning all"), (morning.ConversationId, morning.BodyText));
        Assert.Equal(new DateTimeOffset(At(5), TimeSpan.Zero), morning.SentAt);
        Assert.Equal(new[] { _alice, _bob }.Order(), await PlacedInAsync(db, morning.Id));
        // Bob had left by the afternoon; Alice was still there.
        var afternoon = items.Single(i => i.SourceId == $"tc_msgarchive:{Room}:2");
        Assert.Equal(("carol@contoso.com", "alice@contoso.com"), (SenderOf(afternoon), RecipientsOf(afternoon)));
        Assert.Equal(new[] { _alice, _carol }.Order(), await PlacedInAsync(db, afternoon.Id));

        var lunch = items.Single(i => i.BodyText == "lunch?");
        Assert.Equal(("alice@contoso.com", "bob@contoso.com", "thread-1"), (SenderOf(lunch), RecipientsOf(lunch), lunch.ThreadId));
        var reply = items.Single(i => i.BodyText == "sure & soon");
        Assert.Equal(("bob@contoso.com", "alice@contoso.com"), (SenderOf(reply), RecipientsOf(reply)));
        Assert.Equal(lunch.ConversationId, reply.ConversationId);

        var upload = items.Single(i => i.SourceId == "aft_log:1");
        Assert.Equal(("alice@contoso.com", "bob@contoso.com"), (SenderOf(upload), RecipientsOf(upload)));
        var attachment = Assert.Single(JsonSerializer.Deserialize<List<ItemAttachment>>(upload.Attachments, JsonSerializerOptions.Web)!);
        Assert.Equal(("q4-forecast.xlsx", 2048L, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ""),
            (attachment.Name, attachment.Size, attachment.ContentType, attachment.Sha256));
        Assert.Contains("file server", upload.PartialReason);
        var download = items.Single(i => i.SourceId == "aft_log:2");
        Assert.Equal(("bob@contoso.com", "File downloaded: q4-forecast.xlsx", (string?)null), (SenderOf(download), download.Subject, download.PartialReason));

        var stays = items.Where(i => i.SourceId.StartsWith("tc_timelog:", StringComparison.Ordinal)).OrderBy(i => i.SentAt).ToList();
        Assert.Equal(["alice@contoso.com", "bob@contoso.com", "carol@contoso.com"], stays.Select(SenderOf));
        Assert.Equal("Entered and left " + Room, stays[1].Subject);
        Assert.Contains("as Bob", stays[1].BodyText);

        var placements = await db.Placements.Where(p => p.ConnectorId == connector).ToListAsync();
        Assert.Equal(14, placements.Count);
        Assert.All(placements, p => Assert.Equal("Cisco Jabber", p.Folder));
    }

    [Fact]
    public async Task RoomNicknamesArePeopleThroughTheTimelogAndARoomsReflectedCopiesAreOneItem()
    {
        await _cisco.StayAsync("alice", "Alice", 0, null);
        await _cisco.StayAsync("bob", "Bob", 0, null);
        await _cisco.StayAsync("carol", "Carol", 0, null);
        // Sent by nickname, and a private message to one occupant by nickname.
        await _cisco.GroupMessageAsync(1, Nick("Bob"), "Bob", 5, "from a nickname");
        await _cisco.GroupMessageAsync(2, Jid("alice"), "Alice", 6, "just for Carol", to: Nick("Carol"));
        // JM sees a group message as sent to the room and again as the room reflects it to each occupant.
        await _cisco.InstantMessageAsync(Jid("alice"), Room, 7, "O", "to the room", msgType: "g");
        await _cisco.InstantMessageAsync(Nick("Alice"), Jid("bob"), 7, "I", "to the room", msgType: "g");
        await _cisco.InstantMessageAsync(Nick("Alice"), Jid("carol"), 7, "I", "to the room", msgType: "g");
        var connector = await AddConnectorAsync(_cisco.Settings(servers.PostgresPort));

        var run = await _worker.RunOnceAsync(connector);

        Assert.Equal(RunOutcome.Succeeded, run!.Outcome);
        await using var scope = _worker.Services.CreateAsyncScope();
        var db = scope.Db();
        var items = await db.Items.Where(i => i.ConnectorId == connector && !i.SourceId.StartsWith("tc_timelog:")).ToListAsync();
        var byNickname = items.Single(i => i.BodyText == "from a nickname");
        Assert.Equal(("bob@contoso.com", "alice@contoso.com, carol@contoso.com"), (SenderOf(byNickname), RecipientsOf(byNickname)));
        var whisper = items.Single(i => i.BodyText == "just for Carol");
        Assert.Equal(("alice@contoso.com", "carol@contoso.com"), (SenderOf(whisper), RecipientsOf(whisper)));
        Assert.Equal(new[] { _alice, _carol }.Order(), await PlacedInAsync(db, whisper.Id));
        var toRoom = Assert.Single(items, i => i.BodyText == "to the room");
        Assert.Equal(("alice@contoso.com", "bob@contoso.com, carol@contoso.com", Room), (SenderOf(toRoom), RecipientsOf(toRoom), toRoom.ConversationId));
        // Copies: by nickname 3, private 2, to the room 3 (its two reflections are 3 duplicates each), stays 3.
        Assert.Equal((3L + 2 + 3 + 3, 6L), (run.Counts.ItemsImported, run.Counts.ItemsSkippedDuplicate));
    }

    [Fact]
    public async Task EachTablesHighWaterMarkAdvancesOnItsOwnAndOnlyTheLookbackOverlapIsReadAgain()
    {
        await _cisco.StayAsync("alice", "Alice", 0, null);
        foreach (var (id, minute) in new[] { (1L, 0), (2L, 2), (3L, 3) })
        {
            await _cisco.GroupMessageAsync(id, Jid("alice"), "Alice", minute, $"group {id}");
            await _cisco.InstantMessageAsync(Jid("alice"), "bob@contoso.com", minute, "O", $"direct {id}");
        }
        var connector = await AddConnectorAsync(_cisco.Settings(servers.PostgresPort), lookback: TimeSpan.FromMinutes(2));
        var first = await _worker.RunOnceAsync(connector);
        Assert.Equal(RunOutcome.Succeeded, first!.Outcome);
        var before = await CursorAsync(connector);

        // Only JM gets new rows.
        await _cisco.InstantMessageAsync(Jid("alice"), "bob@contoso.com", 10, "O", "direct 4");
        await _cisco.InstantMessageAsync(Jid("bob"), "alice@contoso.com", 11, "O", "direct 5");
        var second = await _worker.RunOnceAsync(connector);

        // New: two IMs, two copies each. Re-read from the marks less two minutes: group messages at minutes 2 and 3
        // (one copy each: nobody else is in the room), IMs at 2 and 3 (two copies each), Alice's stay (one copy).
        Assert.Equal((4L, 7L), (second!.Counts.ItemsImported, second.Counts.ItemsSkippedDuplicate));
        Assert.Empty(second.Counts.Imbalances());
        var after = await CursorAsync(connector);
        Assert.Equal(before.GetProperty("tc_msgarchive").GetRawText(), after.GetProperty("tc_msgarchive").GetRawText());
        Assert.Equal(before.GetProperty("tc_timelog").GetRawText(), after.GetProperty("tc_timelog").GetRawText());
        Assert.Equal("2026-11-24T09:03:00.000000", before.GetProperty("jm").GetProperty("sentDate").GetString());
        Assert.Equal("2026-11-24T09:11:00.000000", after.GetProperty("jm").GetProperty("sentDate").GetString());
        Assert.Equal("2026-11-24T09:03:00.000000", after.GetProperty("tc_msgarchive").GetProperty("sentDate").GetString());
        await using var scope = _worker.Services.CreateAsyncScope();
        Assert.Equal(5, await scope.Db().Items.CountAsync(i => i.ConnectorId == connector && i.SourceId.StartsWith("jm:")));
    }

    [Fact]
    public async Task RowsTheCleanupDeletedBeforeTheyWereImportedRaiseACriticalAlertNamingTheTable()
    {
        await _cisco.StayAsync("alice", "Alice", 0, null);
        await _cisco.GroupMessageAsync(1, Jid("alice"), "Alice", 1, "one");
        await _cisco.GroupMessageAsync(2, Jid("alice"), "Alice", 2, "two");
        await _cisco.InstantMessageAsync(Jid("alice"), "bob@contoso.com", 1, "O", "hello");
        var connector = await AddConnectorAsync(_cisco.Settings(servers.PostgresPort));
        await _worker.RunOnceAsync(connector);

        // More messages arrive, then Cisco's cleanup utility deletes group chat rows older than minute 100,
        // including two that were never imported. JM keeps its rows.
        await _cisco.GroupMessageAsync(3, Jid("alice"), "Alice", 60, "three");
        await _cisco.GroupMessageAsync(4, Jid("alice"), "Alice", 61, "four");
        await _cisco.GroupMessageAsync(5, Jid("alice"), "Alice", 120, "five");
        await _cisco.InstantMessageAsync(Jid("alice"), "bob@contoso.com", 60, "O", "still here");
        await _cisco.ExecuteAsync($"DELETE FROM {Schema}.tc_msgarchive WHERE sent_date < @cutoff", ("cutoff", At(100)));
        var run = await _worker.RunOnceAsync(connector);

        await using var scope = _worker.Services.CreateAsyncScope();
        var db = scope.Db();
        var alert = await db.Alerts.SingleAsync(a => a.ConnectorId == connector && a.Kind == AlertKind.SourceDataLost);
        // The loss is permanent: the run that found it completes, and the alert stays open for a person to acknowledge.
        Assert.Equal((AlertSeverity.Critical, run!.Id, AlertStatus.Open), (alert.Severity, alert.RunId, alert.Status));
        Assert.Contains("tc_msgarchive: the oldest row left at the source is from 2026-11-24 11:00:00", alert.Reason);
        Assert.Contains("2026-11-24 09:02:00", alert.Reason);
        Assert.DoesNotContain("jm:", alert.Reason);
        // The webhook is told, and what is left is still imported.
        Assert.True(await db.AlertDeliveries.AnyAsync(d => d.AlertId == alert.Id));
        var bodies = await db.Items.Where(i => i.ConnectorId == connector && !i.SourceId.StartsWith("tc_timelog:")).Select(i => i.BodyText!).ToListAsync();
        Assert.Equal(["five", "hello", "one", "still here", "two"], bodies.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task LeavingARoomAfterTheStayWasImportedIsANewVersionOfItNotADeletedRow()
    {
        await _cisco.StayAsync("alice", "Alice", 0, null);
        var connector = await AddConnectorAsync(_cisco.Settings(servers.PostgresPort));
        await _worker.RunOnceAsync(connector);

        await _cisco.ExecuteAsync("UPDATE tc_timelog SET end_date = @left", ("left", At(50)));
        var run = await _worker.RunOnceAsync(connector);

        Assert.Equal((RunOutcome.Succeeded, 1L), (run!.Outcome, run.Counts.ItemsImported));
        await using var scope = _worker.Services.CreateAsyncScope();
        var db = scope.Db();
        var versions = await db.Items.Where(i => i.ConnectorId == connector).OrderBy(i => i.Id).ToListAsync();
        Assert.Single(versions.Select(v => v.SourceId).Distinct());
        Assert.Equal(["Entered " + Room, "Entered and left " + Room], versions.Select(v => v.Subject));
        Assert.Empty(await db.Alerts.Where(a => a.ConnectorId == connector).Select(a => a.Reason).ToListAsync());
    }

    [Fact]
    public async Task AnImportThatCannotKeepUpRaisesALagAlertAndTheNextRunsCatchUp()
    {
        await _cisco.GroupMessageAsync(1, Jid("alice"), "Alice", 0, "group");
        foreach (var minute in new[] { 0, 30, 60, 120, 180 })
        {
            await _cisco.InstantMessageAsync(Jid("alice"), "bob@contoso.com", minute, "O", $"at {minute}");
        }
        // Two rows per table per run, and more than an hour behind is too far.
        var connector = await AddConnectorAsync(_cisco.Settings(servers.PostgresPort, behindAlertAfter: "PT1H", pageSize: 2, maxRowsPerTablePerRun: 2));

        var first = await _worker.RunOnceAsync(connector);

        await using (var scope = _worker.Services.CreateAsyncScope())
        {
            var db = scope.Db();
            var alert = await db.Alerts.SingleAsync(a => a.ConnectorId == connector && a.Kind == AlertKind.SourceRetentionAtRisk);
            Assert.Equal((AlertSeverity.Error, first!.Id, AlertStatus.Open), (alert.Severity, alert.RunId, alert.Status));
            Assert.Contains("jm: imported up to 2026-11-24 09:30:00, but its newest row is from 2026-11-24 12:00:00 (2.5 hours behind", alert.Reason);
            Assert.DoesNotContain("tc_msgarchive:", alert.Reason);
            // The rest follows in a run scheduled soon, not a day later.
            var next = (await db.Connectors.SingleAsync(x => x.Id == connector)).NextRunAt;
            Assert.True(next < first.StartedAt.AddHours(1), $"next run at {next}");
        }

        var second = await _worker.RunOnceAsync(connector);
        var third = await _worker.RunOnceAsync(connector);

        // The lookback re-read does not use up the limit: each run moves two rows (then one) further.
        Assert.Equal((4L, 2L), (second!.Counts.ItemsImported, third!.Counts.ItemsImported));
        await using var check = _worker.Services.CreateAsyncScope();
        var bodies = await check.Db().Items.Where(i => i.ConnectorId == connector && i.SourceId.StartsWith("jm:")).Select(i => i.BodyText).ToListAsync();
        Assert.Equal(["at 0", "at 120", "at 180", "at 30", "at 60"], bodies.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ARowWithAnUnparsableBodyOrAMissingIdFailsAloneAndTheOthersAreImported()
    {
        await _cisco.StayAsync("alice", "Alice", 0, null);
        await _cisco.StayAsync("bob", "Bob", 0, null);
        await _cisco.GroupMessageAsync(1, Jid("alice"), "Alice", 1, "fine");
        await _cisco.GroupMessageAsync(2, "", "Ghost", 2, "who sent this?");
        await _cisco.InstantMessageAsync(Jid("alice"), "bob@contoso.com", 3, "O", "also fine");
        await _cisco.InstantMessageAsync(Jid("bob"), "alice@contoso.com", 4, "O", null, "<message xmlns=\"jabber:client\"><body>cut off");
        var connector = await AddConnectorAsync(_cisco.Settings(servers.PostgresPort));

        var run = await _worker.RunOnceAsync(connector);

        Assert.Equal(RunOutcome.Partial, run!.Outcome);
        Assert.Empty(run.Counts.Imbalances());
        Assert.Equal((2L, 2L), (run.Counts.ItemsFailedToParse, run.Counts.ItemsFailed));
        await using var scope = _worker.Services.CreateAsyncScope();
        var db = scope.Db();
        var failures = await db.Failures.Where(f => f.RunId == run.Id).OrderBy(f => f.SourceFile).ToListAsync();
        Assert.Equal(["jm", "tc_msgarchive"], failures.Select(f => f.SourceFile));
        Assert.Contains("not well-formed XML", failures[0].Reason);
        Assert.Contains("bob@contoso.com", failures[0].Reason);
        Assert.Equal("from_jid", failures[1].Field);
        Assert.Contains("FROM_JID", failures[1].Reason);
        Assert.Contains("2026-11-24T09:02:00", failures[1].ItemId);
        Assert.Equal(["also fine", "fine"], await db.Items.Where(i => i.ConnectorId == connector && !i.SourceId.StartsWith("tc_timelog:"))
            .OrderBy(i => i.BodyText).Select(i => i.BodyText!).ToListAsync());

        // The next run re-reads the lookback window but reports the bad rows only once.
        var again = await _worker.RunOnceAsync(connector);
        Assert.Equal((0L, RunOutcome.Succeeded), (again!.Counts.ItemsFailed, again.Outcome));
    }

    [Fact]
    public async Task AWrongPasswordFailsTheRunAndTheConnectorNeedsReauthentication()
    {
        var password = "not-the-password-" + Guid.NewGuid().ToString("N");
        var connector = await AddConnectorAsync(_cisco.Settings(servers.PostgresPort), password: password);

        var run = await _worker.RunOnceAsync(connector);

        Assert.Equal(RunOutcome.Failed, run!.Outcome);
        Assert.Contains("rejected the login", run.Error);
        Assert.DoesNotContain(password, run.Error);
        await using var scope = _worker.Services.CreateAsyncScope();
        var db = scope.Db();
        Assert.Equal(ConnectorStatus.NeedsReauth, (await db.Connectors.SingleAsync(x => x.Id == connector)).RunStatus);
        var alert = await db.Alerts.SingleAsync(a => a.ConnectorId == connector && a.Kind == AlertKind.CredentialsRejected);
        Assert.DoesNotContain(password, alert.Reason);
    }

    private async Task<Guid> AddConnectorAsync(object settings, string? password = null, TimeSpan? lookback = null)
    {
        await using var scope = _worker.Services.CreateAsyncScope();
        var db = scope.Db();
        var protector = scope.ServiceProvider.GetRequiredService<CredentialProtector>();
        var connector = new Connector
        {
            Name = $"Cisco Jabber {Guid.NewGuid():N}",
            Type = ConnectorTypes.CiscoJabber,
            Settings = JsonSerializer.Serialize(settings, JsonSerializerOptions.Web),
            ProtectedCredentials = protector.Protect(JsonSerializer.Serialize(new { password = password ?? _cisco.Password }, JsonSerializerOptions.Web)),
            Mapping = JsonSerializer.Serialize(MappingSettings.Default, IdentityResolver.SettingsJson),
            Lookback = lookback ?? Connector.DefaultLookback,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            NextRunAt = DateTimeOffset.UtcNow,
        };
        db.Connectors.Add(connector);
        await db.SaveChangesAsync();
        return connector.Id;
    }

    private async Task<JsonElement> CursorAsync(Guid connector)
    {
        await using var scope = _worker.Services.CreateAsyncScope();
        var value = await scope.Db().Cursors.Where(c => c.ConnectorId == connector).Select(c => c.Value).SingleAsync();
        return JsonDocument.Parse(value).RootElement.Clone();
    }

    private static Guid AddAccount(ConnectorsDbContext db, string email)
    {
        var account = new DirectoryAccount { Email = email, DisplayName = email, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        db.Accounts.Add(account);
        return account.Id;
    }

    private static string SenderOf(ArchivedItem item) =>
        JsonSerializer.Deserialize<SourceIdentity>(item.Sender, JsonSerializerOptions.Web)!.SourceId;

    private static string RecipientsOf(ArchivedItem item) =>
        string.Join(", ", JsonSerializer.Deserialize<List<SourceIdentity>>(item.Recipients, JsonSerializerOptions.Web)!.Select(r => r.SourceId));

    private static async Task<IEnumerable<Guid>> PlacedInAsync(ConnectorsDbContext db, long itemId) =>
        (await db.Placements.Where(p => p.ItemId == itemId).Select(p => p.AccountId).ToListAsync()).Order();
}

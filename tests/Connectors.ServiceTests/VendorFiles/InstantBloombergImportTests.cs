using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Connectors.Alerts;
using Connectors.Api.Connectors;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Runs;
using Connectors.Sources.Files;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Connectors.Tests.VendorFiles;

namespace Connectors.Tests;

/// <summary>
/// Instant Bloomberg end to end inside the services: files PGP-encrypted with a key made in the test, on a
/// real OpenSSH server on loopback, collected by the worker's runner into real PostgreSQL.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class InstantBloombergImportTests(ServersFixture servers, LocalSftpServer sftp) : IClassFixture<LocalSftpServer>, IAsyncLifetime
{
    private readonly VendorFileHarness _harness = new(servers, sftp);
    private readonly string _folder = "ib-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await _harness.StartAsync("ib");
        await _harness.AddAccountsAsync("alice@contoso.com", "bob@contoso.com");
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private void Deliver(string name, byte[] plain) => sftp.WriteFile($"{_folder}/{name}.gpg", Encrypt(plain, name));

    private static readonly byte[] Report = Encoding.UTF8.GetBytes("quarterly figures");

    private static byte[] Day1() => FileDump(
        ("room-1", [
            Entered(Alice, T0), Entered(Bob, T0 + 1), Entered(Eve, T0 + 2),
            Message(Alice, T0 + 10, "morning, can you show me the offer?"),
            Message(Eve, T0 + 20, "the offer is 101.5"),
            Attachment(Alice, T0 + 30, "report.pdf", "att-1", Report.Length),
            Message(Bob, T0 + 40, "agreed"),
        ]),
        ("room-2", [Entered(Bob, T0), Message(Bob, T0 + 5, "talking to myself")]));

    private async Task<ImportRun> RunAsync(Guid connectorId) => (await _harness.Worker.RunOnceAsync(connectorId))!;

    private ConnectorsDbContext Db(IServiceScope scope) => scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>();

    [Fact]
    public async Task EncryptedFilesAreCollectedKeptAsEvidenceAndEveryMessageLandsInItsParticipantsMailboxes()
    {
        Deliver("f123456.ib19.att.261124.tar.gz", TarGz(("att-1", Report)));
        Deliver("f123456.ib19.261124.xml", Day1());
        var connector = await _harness.CreateAsync(ConnectorTypes.InstantBloomberg, _folder);

        var run = await RunAsync(connector.Id);

        Assert.Null(run.Error);
        Assert.Empty(run.Counts.Imbalances());
        // 9 events from the source: 3 entries, 3 messages and an attachment in room-1; an entry and a message in room-2.
        Assert.Equal(9, run.Counts.ItemsFromSource);
        Assert.Equal(0, run.Counts.ItemsFailed);
        Assert.Equal(RunOutcome.Succeeded, run.Outcome);

        await using var scope = _harness.Worker.Services.CreateAsyncScope();
        var db = Db(scope);
        var offer = await db.Items.SingleAsync(i => i.BodyText == "the offer is 101.5");
        Assert.Equal("ipm.externaldata.instantbloomberg", offer.ItemClass);
        Assert.Equal("room-1", offer.ConversationId);
        // Eve is external (no corporate address): she is kept as the sender, and the copies go to Alice's and Bob's mailboxes.
        Assert.Equal("2001", System.Text.Json.JsonDocument.Parse(offer.Sender).RootElement.GetProperty("sourceId").GetString());
        var mailboxes = await db.Placements.Where(p => p.ItemId == offer.Id)
            .Join(db.Accounts, p => p.AccountId, a => a.Id, (p, a) => new { a.Email, p.Folder }).ToListAsync();
        Assert.Equal(["alice@contoso.com", "bob@contoso.com"], mailboxes.Select(m => m.Email).Order());
        Assert.All(mailboxes, m => Assert.Equal("InstantBloomberg", m.Folder));

        // Chain of custody: the item names the delivered file, kept still encrypted with its hash.
        var evidence = await db.EvidenceFiles.SingleAsync(f => f.Id == offer.EvidenceFileId);
        var delivered = await File.ReadAllBytesAsync(sftp.LocalPath($"{_folder}/f123456.ib19.261124.xml.gpg"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(delivered)), evidence.Sha256);
        Assert.Equal(delivered.Length, evidence.Size);

        // The attachment's content came from the tar.gz and is stored once by its hash.
        var attachment = (await db.Items.Where(i => i.ConversationId == "room-1").ToListAsync()).Single(i => i.Attachments.Contains("report.pdf"));
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(Report)), attachment.Attachments);
        Assert.Null(attachment.PartialReason);
        Assert.True(await db.Blobs.AnyAsync(b => b.Sha256 == Convert.ToHexStringLower(SHA256.HashData(Report))));
    }

    [Fact]
    public async Task OneMessageIsFoundByItsTextAndTheConversationAroundItIsShownInOrder()
    {
        Deliver("f123456.ib19.261124.xml", Day1());
        var connector = await _harness.CreateAsync(ConnectorTypes.InstantBloomberg, _folder);
        await RunAsync(connector.Id);

        await using var scope = _harness.Worker.Services.CreateAsyncScope();
        var db = Db(scope);
        // What search will do: full-text match on one message, then its conversation by id and time.
        var hit = await db.Items.SingleAsync(i => EF.Property<NpgsqlTypes.NpgsqlTsVector>(i, "SearchVector").Matches("101.5"));
        var around = await db.Items.Where(i => i.ConversationId == hit.ConversationId && i.BodyText != null && i.SentAt <= hit.SentAt.AddMinutes(5))
            .OrderBy(i => i.SentAt).Select(i => i.BodyText).ToListAsync();

        Assert.Equal("the offer is 101.5", hit.BodyText);
        Assert.Equal(3, around.IndexOf("the offer is 101.5") - around.IndexOf("morning, can you show me the offer?") + 2);
        Assert.Equal("agreed", around[^1]);
    }

    [Fact]
    public async Task FilesAlreadyProcessedAreNotReadAgainAndALateRedeliveryOnlyAddsWhatIsNew()
    {
        Deliver("f123456.ib19.261124.xml", Day1());
        var connector = await _harness.CreateAsync(ConnectorTypes.InstantBloomberg, _folder);
        var first = await RunAsync(connector.Id);

        var unchanged = await RunAsync(connector.Id);
        // A late file repeats yesterday's conversation with one more message.
        Deliver("f123456.ib19.261125.xml", FileDump(("room-2", [Entered(Bob, T0), Message(Bob, T0 + 5, "talking to myself"),
            Message(Bob, T0 + 6, "and one more thing")])));
        var late = await RunAsync(connector.Id);

        // The attachment archive was not delivered: its item is kept, partially imported (one copy per mailbox).
        Assert.Equal((RunOutcome.Partial, 2L), (first.Outcome, first.Counts.ItemsPartiallyImported));
        Assert.Equal(RunOutcome.NoItems, unchanged.Outcome);
        Assert.Equal(0, unchanged.Counts.ItemsFromSource);
        Assert.Equal((3L, 1L, 2L), (late.Counts.ItemsFromSource, late.Counts.ItemsImported, late.Counts.ItemsSkippedDuplicate));
        await using var scope = _harness.Worker.Services.CreateAsyncScope();
        Assert.Equal(1, await Db(scope).Items.CountAsync(i => i.BodyText == "talking to myself"));
    }

    [Fact]
    public async Task AFileSplitIntoPartsIsImportedFromEveryPartWithUnencryptedPartsAccepted()
    {
        // Bloomberg splits files over 1 GB into .xml1, .xml2…; each part is a document of its own.
        Deliver("f123456.ib19.261124.xml1", FileDump(("room-1", [Entered(Alice, T0), Message(Alice, T0 + 1, "part one")])));
        sftp.WriteFile($"{_folder}/f123456.ib19.261124.xml2", FileDump(("room-1", [Message(Alice, T0 + 2, "part two")])));
        var connector = await _harness.CreateAsync(ConnectorTypes.InstantBloomberg, _folder);

        var run = await RunAsync(connector.Id);

        Assert.Equal((RunOutcome.Succeeded, 3L), (run.Outcome, run.Counts.ItemsFromSource));
        await using var scope = _harness.Worker.Services.CreateAsyncScope();
        Assert.Equal(["part one", "part two"], await Db(scope).Items.Where(i => i.BodyText!.StartsWith("part"))
            .OrderBy(i => i.SentAt).Select(i => i.BodyText!).ToListAsync());
    }

    [Fact]
    public async Task AMalformedFileAndATamperedFileFailWithTheirReasonsWhileTheOtherFileIsImported()
    {
        Deliver("f123456.ib19.261124.xml", Day1());
        Deliver("f123456.ib19.261123.xml", Encoding.UTF8.GetBytes("<FileDump><Conversation><RoomID>r</RoomID><Message>"));
        var tampered = PgpTestKeys.Tamper(Encrypt(Day1(), "f123456.ib19.261122.xml"));
        sftp.WriteFile($"{_folder}/f123456.ib19.261122.xml.gpg", tampered);
        var connector = await _harness.CreateAsync(ConnectorTypes.InstantBloomberg, _folder);

        var run = await RunAsync(connector.Id);

        Assert.Equal(RunOutcome.Partial, run.Outcome);
        Assert.Empty(run.Counts.Imbalances());
        Assert.Equal(2, run.Counts.ItemsFailed);
        await using var scope = _harness.Worker.Services.CreateAsyncScope();
        var db = Db(scope);
        var failures = await db.Failures.Where(f => f.RunId == run.Id).OrderBy(f => f.ItemId).ToListAsync();
        Assert.Contains("decrypt", failures[0].Reason, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("261122.xml.gpg", failures[0].ItemId);
        Assert.EndsWith("261123.xml.gpg", failures[1].ItemId);
        Assert.Contains("line", failures[1].Reason, StringComparison.OrdinalIgnoreCase);
        // The tampered file put nothing in the archive; the good one is there in full.
        Assert.Equal(9, await db.Items.CountAsync());
        var outcomes = await db.DeliveredFiles.ToDictionaryAsync(f => f.SourcePath[(f.SourcePath.LastIndexOf('/') + 1)..], f => f.Outcome);
        Assert.Equal(DeliveredFileOutcome.Failed, outcomes["f123456.ib19.261122.xml.gpg"]);
        Assert.Equal(DeliveredFileOutcome.Imported, outcomes["f123456.ib19.261124.xml.gpg"]);
        Assert.True(await db.Alerts.AnyAsync(a => a.ConnectorId == connector.Id && a.Kind == AlertKind.RunPartial));
    }

    [Fact]
    public async Task ARejectedLoginPutsTheConnectorInNeedsReauthWithAnAlert()
    {
        Deliver("f123456.ib19.261124.xml", Day1());
        var connector = await _harness.CreateAsync(ConnectorTypes.InstantBloomberg, _folder, password: "not-the-password");

        var run = await RunAsync(connector.Id);

        Assert.Equal(RunOutcome.Failed, run.Outcome);
        var status = await _harness.Client.GetFromJsonAsync<ConnectorStatusDto>($"/api/compliance/connectors/{connector.Id}/status", Json.Options);
        Assert.Equal(ConnectorStatus.NeedsReauth, status!.Status);
        await using var scope = _harness.Worker.Services.CreateAsyncScope();
        Assert.True(await Db(scope).Alerts.AnyAsync(a => a.ConnectorId == connector.Id && a.Kind == AlertKind.CredentialsRejected));
    }
}

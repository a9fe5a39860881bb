using System.Security.Cryptography;
using System.Text.Json;
using Connectors.Connectors;
using Connectors.Runs;
using Connectors.Sources.Files;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Connectors.Tests.BloombergMessageFiles;
using static Connectors.Tests.VendorFiles;

namespace Connectors.Tests;

/// <summary>
/// Bloomberg Message (MSG, Bloomberg's mail) end to end inside the services: daily MSG and disclaimer files,
/// PGP-encrypted on a real OpenSSH server, imported by the worker into real PostgreSQL.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class BloombergMessageImportTests(ServersFixture servers, LocalSftpServer sftp) : IClassFixture<LocalSftpServer>, IAsyncLifetime
{
    private readonly VendorFileHarness _harness = new(servers, sftp);
    private readonly string _folder = "msg-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await _harness.StartAsync("bbmsg");
        await _harness.AddAccountsAsync("alice@contoso.com", "bob@contoso.com", "carol@contoso.com", "dan@contoso.com");
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private void Deliver(string name, byte[] plain) => sftp.WriteFile($"{_folder}/{name}.gpg", Encrypt(plain, name));

    /// <summary>Alice writes to Bob, copies Eve (another firm) and blind-copies Carol; Bob forwards to Dan.</summary>
    private static byte[] Day() => MailDump(
        Mail("MSG-1", T0, Alice, [("TO", Bob), ("CC", Eve), ("BCC", Carol)], "Axes", "Please see my axes for today."),
        Mail("MSG-2", T0 + 60, Bob, [("TO", Dan)], "Fwd: Axes", "FYI"));

    private async Task<List<string>> MailboxesOfAsync(Data.ConnectorsDbContext db, long itemId) =>
        await db.Placements.Where(p => p.ItemId == itemId)
            .Join(db.Accounts, p => p.AccountId, a => a.Id, (p, a) => a.Email + "/" + p.Folder)
            .OrderBy(m => m).ToListAsync();

    [Fact]
    public async Task AMessageIsKeptOnceAndPlacedInEveryMappedRecipientsMailboxIncludingCcAndBcc()
    {
        Deliver("f123456.msg.261124.xml", Day());
        var connector = await _harness.CreateAsync(ConnectorTypes.BloombergMessage, _folder);

        var run = await _harness.RunAsync(connector.Id);

        Assert.Equal(RunOutcome.Succeeded, run.Outcome);
        Assert.Empty(run.Counts.Imbalances());
        // Two messages: 3 copies of MSG-1 (Alice, Bob, Carol) and 2 of MSG-2 (Bob, Dan).
        Assert.Equal((2L, 5L, 5L), (run.Counts.ItemsFromSource, run.Counts.ItemsForImport, run.Counts.ItemsImported));
        await using var db = _harness.Api.CreateDbContext();
        var first = await db.Items.SingleAsync(i => i.SourceId == "MSG-1");
        Assert.Equal(("Axes", "Please see my axes for today."), (first.Subject, first.BodyText));
        Assert.Equal(["alice@contoso.com/BloombergMessage", "bob@contoso.com/BloombergMessage", "carol@contoso.com/BloombergMessage"],
            await MailboxesOfAsync(db, first.Id));
        // Eve has no corporate address: she is kept among the recipients, with how each recipient was addressed.
        var recipients = JsonDocument.Parse(first.Recipients).RootElement.EnumerateArray()
            .Select(r => (r.GetProperty("sourceId").GetString(), r.GetProperty("properties").GetProperty("DeliveryType").GetString())).ToList();
        Assert.Equal([("1002", "TO"), ("2001", "CC"), ("1003", "BCC")], recipients);
        var second = await db.Items.SingleAsync(i => i.SourceId == "MSG-2");
        Assert.Equal(["bob@contoso.com/BloombergMessage", "dan@contoso.com/BloombergMessage"], await MailboxesOfAsync(db, second.Id));
    }

    [Fact]
    public async Task ADisclaimerFileIsKeptAsEvidenceButPutsNothingInAnyMailbox()
    {
        Deliver("f123456.dscl.261124.xml", Disclaimers(("D-1", "This message is not an offer."), ("D-2", "Confidential.")));
        Deliver("f123456.msg.261124.xml", Day());
        var connector = await _harness.CreateAsync(ConnectorTypes.BloombergMessage, _folder);

        var run = await _harness.RunAsync(connector.Id);

        Assert.Equal(RunOutcome.Succeeded, run.Outcome);
        Assert.Equal(2, run.Counts.ItemsFromSource);
        await using var db = _harness.Api.CreateDbContext();
        var disclaimer = await db.DeliveredFiles.SingleAsync(f => f.SourcePath.EndsWith(".dscl.261124.xml.gpg"));
        Assert.Equal((DeliveredFileOutcome.Imported, 0L), (disclaimer.Outcome, disclaimer.ItemsRead));
        var evidence = await db.EvidenceFiles.SingleAsync(e => e.Id == disclaimer.EvidenceFileId);
        var delivered = await File.ReadAllBytesAsync(sftp.LocalPath($"{_folder}/f123456.dscl.261124.xml.gpg"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(delivered)), evidence.Sha256);
        Assert.Equal(["MSG-1", "MSG-2"], await db.Items.OrderBy(i => i.SourceId).Select(i => i.SourceId).ToListAsync());
        Assert.False(await db.Items.AnyAsync(i => i.EvidenceFileId == evidence.Id));
    }
}

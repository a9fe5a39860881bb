using System.Net.Http.Json;
using Connectors.Api.Connectors;
using Connectors.Api.Mapping;
using Connectors.Connectors;
using Connectors.Runs;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Connectors.Tests.IceChatFiles;

namespace Connectors.Tests;

/// <summary>
/// ICE Chat end to end inside the services: daily XML files, PGP-encrypted, on a real OpenSSH server, imported
/// by the worker into real PostgreSQL. As ICE archiving does, each message is kept once and placed in the
/// mailbox of its sender and of every recipient, mapped by their ICE email.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class IceChatImportTests(ServersFixture servers, LocalSftpServer sftp) : IClassFixture<LocalSftpServer>, IAsyncLifetime
{
    private readonly VendorFileHarness _harness = new(servers, sftp);
    private readonly string _folder = "ice-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await _harness.StartAsync("ice");
        await _harness.AddAccountsAsync(Jo.Email, Sam.Email, Kim.Email);
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private void Deliver(string name, byte[] plain) => sftp.WriteFile($"{_folder}/{name}.gpg", VendorFiles.Encrypt(plain, name));

    private Task<ConnectorDto> CreateAsync(Action<Dictionary<string, object?>>? settings = null) =>
        _harness.CreateAsync(ConnectorTypes.IceChat, _folder, settings: s =>
        {
            s["sourceAccount"] = "ice-company-7";
            settings?.Invoke(s);
        });

    /// <summary>Three messages: 3 + 2 + 2 copies for the mapped people; Bo (another firm) is in no mailbox.</summary>
    private static byte[] Day() => IceDump(
        IceMessage("m-1", Jo, [Sam, Kim], 0, "Can you show 5y EUR?"),
        IceMessage("m-2", Sam, [Jo, Bo], 1, "Bo, is 101.5 firm?"),
        IceMessage("m-3", Kim, [Jo], 2, "done"));

    [Fact]
    public async Task EachMessageIsPlacedInTheMailboxOfItsSenderAndOfEveryMappedRecipient()
    {
        Deliver("contoso_ice_20261124.xml", Day());
        var connector = await CreateAsync();

        var run = await _harness.RunAsync(connector.Id);

        Assert.Equal(RunOutcome.Succeeded, run.Outcome);
        Assert.Empty(run.Counts.Imbalances());
        var shown = Assert.Single(await _harness.HistoryAsync(connector.Id));
        Assert.Equal(3, shown.ItemsFromSource);
        // One copy per mailbox: m-1 to Jo, Sam and Kim; m-2 to Sam and Jo; m-3 to Kim and Jo.
        Assert.Equal((7L, 7L), (shown.ItemsForImport, shown.ItemsImported));
        var copies = await _harness.PlacementsPerAccountAsync();
        Assert.Equal(new Dictionary<string, int> { [Jo.Email] = 3, [Sam.Email] = 2, [Kim.Email] = 2 }, copies);

        await using var db = _harness.Api.CreateDbContext();
        var first = await db.Items.SingleAsync(i => i.SourceId == "m-1");
        Assert.Equal(("ICE-ROOM-42", "Can you show 5y EUR?"), (first.ConversationId, first.BodyText));
        var folders = await db.Placements.Where(p => p.ItemId == first.Id).Select(p => p.Folder).ToListAsync();
        Assert.Equal(["ICE Chat", "ICE Chat", "ICE Chat"], folders);
        Assert.Equal(3, await db.Items.CountAsync());
    }

    [Fact]
    public async Task ARecipientNotInTheDirectoryIsListedForMappingWithTheEmailIceGave()
    {
        Deliver("contoso_ice_20261124.xml", Day());
        var connector = await CreateAsync();

        var run = await _harness.RunAsync(connector.Id);

        var unmapped = await _harness.Client.GetFromJsonAsync<Page<UnmappedIdentityDto>>(
            $"/api/compliance/connectors/{connector.Id}/unmapped", Json.Options);
        var bo = Assert.Single(unmapped!.Items);
        Assert.Equal((Bo.ImId, Bo.Email, 1L), (bo.SourceId, bo.Email, bo.ItemCount));
        // Bo's message still reached the mailboxes of the people who could be mapped: nothing waits in quarantine.
        Assert.Equal(0, run.Counts.ItemsQuarantined);
    }

    [Fact]
    public async Task ACustomIceSchemaReadsFilesWithOtherNamesAndElementsEndToEnd()
    {
        Deliver("contoso_chatlog_20261124.xml", System.Text.Encoding.UTF8.GetBytes("""
            <IceChatLog>
              <Msg id="x-9" room="R7">
                <from>jtrader1</from><fromMail>jo@contoso.com</fromMail>
                <to><user im="ssales3" mail="sam@contoso.com"/></to>
                <ts>1795598102000</ts>
                <Body>Done at 101.5</Body>
              </Msg>
            </IceChatLog>
            """));
        var connector = await CreateAsync(s => s["iceSchema"] = new
        {
            fileNamePatterns = new[] { "*chatlog*.xml" },
            rootElement = "IceChatLog",
            messageElement = "Msg",
            messageIdElement = "id",
            conversationIdElement = "room",
            senderImIdElement = "from",
            senderEmailElement = "fromMail",
            recipientsElement = "to",
            recipientElement = "user",
            recipientImIdElement = "im",
            recipientEmailElement = "mail",
            timestampElement = "ts",
            timestampFormat = "epochMilliseconds",
            bodyElement = "Body",
        });

        var run = await _harness.RunAsync(connector.Id);

        Assert.Equal(RunOutcome.Succeeded, run.Outcome);
        Assert.Equal((1L, 0L), (run.Counts.ItemsFromSource, run.Counts.ItemsFailed));
        await using var db = _harness.Api.CreateDbContext();
        var item = await db.Items.SingleAsync();
        Assert.Equal(("x-9", "R7", "Done at 101.5"), (item.SourceId, item.ConversationId, item.BodyText));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795598102000), item.SentAt);
        Assert.Equal(new Dictionary<string, int> { [Jo.Email] = 1, [Sam.Email] = 1 }, await _harness.PlacementsPerAccountAsync());
    }
}

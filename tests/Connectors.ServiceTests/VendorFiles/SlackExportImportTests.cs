using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Connectors.Api.Connectors;
using Connectors.Api.Files;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Runs;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests;

/// <summary>
/// A real Slack workspace export (the corpus's testarchive.zip) pushed through the API, streamed into the
/// evidence store and imported by the worker's runner.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SlackExportImportTests(ServersFixture servers, LocalSftpServer sftp) : IClassFixture<LocalSftpServer>, IAsyncLifetime
{
    private static readonly string Archive = Path.Combine(RepositoryPaths.Root, "..", "shared", "corpus", "hfaran-slack-export-viewer", "testarchive.zip");
    private readonly VendorFileHarness _harness = new(servers, sftp);

    public async Task InitializeAsync()
    {
        await _harness.StartAsync("slack");
        await _harness.AddAccountsAsync("harry@contoso.com", "hermione@contoso.com", "ron@contoso.com", "ginny@contoso.com");
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private async Task<ConnectorDto> CreateAsync()
    {
        var response = await _harness.Client.PostAsJsonAsync("/api/compliance/connectors", new
        {
            name = "Slack export",
            type = ConnectorTypes.Slack,
            settings = new { sourceAccount = "T0JGLMMNX" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var connector = (await response.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options))!;
        // The export's users have no email address: map them by Slack user id with a custom mapping CSV.
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(
                "SourceId,Account\nU0BMYT2FL,harry@contoso.com\nU0BMS113R,hermione@contoso.com\nU0BMQB6JE,ron@contoso.com\nU0BMM2FEH,ginny@contoso.com\n")),
              "file", "slack-users.csv" },
        };
        (await _harness.Client.PostAsync($"/api/compliance/connectors/{connector.Id}/mappings/import", form)).EnsureSuccessStatusCode();
        return connector;
    }

    private async Task<HttpResponseMessage> UploadAsync(Guid connectorId, string name = "testarchive.zip")
    {
        await using var file = File.OpenRead(Archive);
        var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return await _harness.Client.PostAsync($"/api/compliance/connectors/{connectorId}/files?name={name}", content);
    }

    [Fact]
    public async Task TheCorpusExportIsImportedWithEveryChannelsMessagesAndItsBotMessagesInTheMembersMailboxes()
    {
        var connector = await CreateAsync();

        var upload = await UploadAsync(connector.Id);
        var run = (await _harness.Worker.RunOnceAsync(connector.Id, RunTrigger.Upload))!;

        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var stored = (await upload.Content.ReadFromJsonAsync<DeliveredFileDto>(Json.Options))!;
        Assert.Equal(new FileInfo(Archive).Length, stored.Size);
        Assert.Null(run.Error);
        Assert.Empty(run.Counts.Imbalances());
        Assert.Equal(158, run.Counts.ItemsFromSource);
        Assert.Equal(0, run.Counts.ItemsFailed + run.Counts.ItemsQuarantined);
        await using var scope = _harness.Worker.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>();
        var perChannel = await db.Items.GroupBy(i => i.ConversationId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key!, g => g.Count);
        Assert.Equal(102, perChannel["C0JGLMMNX"]);
        Assert.Equal(56, perChannel["C0JL6CGQ2"]);
        var senders = await db.Items.Select(i => i.Sender).ToListAsync();
        Assert.Equal(94, senders.Count(s => s.Contains("\"bot:", StringComparison.Ordinal)));
        Assert.All(await db.Items.Select(i => i.ItemClass).Distinct().ToListAsync(), c => Assert.Equal("ipm.externaldata.slack", c));
        // Every channel has the same four members: each message sits in all four mailboxes, in the Slack folder.
        var copies = await db.Placements.GroupBy(p => p.ItemId).Select(g => g.Count()).Distinct().ToListAsync();
        Assert.Equal([4], copies);
        Assert.Equal(["Slack"], await db.Placements.Select(p => p.Folder).Distinct().ToListAsync());
        // Shared files are links in an export: those messages are kept, partially imported, with the reason.
        Assert.Equal(4, await db.Items.CountAsync(i => i.PartialReason != null && i.PartialReason.StartsWith("File content not in the export")));
        Assert.Equal(RunOutcome.Partial, run.Outcome);
    }

    [Fact]
    public async Task TheSameExportPushedAgainAddsNothing()
    {
        var connector = await CreateAsync();
        await UploadAsync(connector.Id);
        await _harness.Worker.RunOnceAsync(connector.Id, RunTrigger.Upload);

        await UploadAsync(connector.Id, "testarchive-again.zip");
        var again = (await _harness.Worker.RunOnceAsync(connector.Id, RunTrigger.Upload))!;

        Assert.Equal((158L, 0L), (again.Counts.ItemsFromSource, again.Counts.ItemsImported));
        Assert.Equal(again.Counts.ItemsForImport, again.Counts.ItemsSkippedDuplicate);
    }

    [Fact]
    public async Task AFileThatIsNotAnExportIsRefusedByNameAndAnEmptyBodyIsRefused()
    {
        var connector = await CreateAsync();

        var wrongName = await _harness.Client.PostAsync($"/api/compliance/connectors/{connector.Id}/files?name=notes.txt", new ByteArrayContent([1, 2, 3]));
        var empty = await _harness.Client.PostAsync($"/api/compliance/connectors/{connector.Id}/files?name=export.zip", new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, wrongName.StatusCode);
        Assert.Contains("\"name\"", await wrongName.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("\"body\"", await empty.Content.ReadAsStringAsync());
    }
}

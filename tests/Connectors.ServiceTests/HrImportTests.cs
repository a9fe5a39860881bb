using System.Net;
using System.Net.Http.Json;
using System.Text;
using Connectors.Api.Connectors;
using Connectors.Api.Signals;
using Connectors.Connectors;
using Connectors.Runs;
using Connectors.Sources.Hr;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Connectors.Tests;

/// <summary>The HR connector end to end inside the services: upload through the Api, import by the worker's runner.</summary>
[Collection(ServersCollection.Name)]
public sealed class HrImportTests(ServersFixture servers) : IAsyncLifetime
{
    private const string Header = "EmailAddress,ResignationDate,LastWorkingDate\n";
    private ApiFactory _api = null!;
    private IHost _worker = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var database = await servers.CreateDatabaseAsync("hr");
        _api = new ApiFactory(database, servers.RedisConnectionString);
        _client = _api.CreateAdminClient();
        _worker = WorkerHost.Create(database, servers.RedisConnectionString);
        await _worker.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _worker.StopAsync();
        _worker.Dispose();
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task ABadRowFailsWithItsRowNumberWhileTheOtherRowsAreImportedAndTheRunIsPartial()
    {
        await AddAccountsAsync("alice@contoso.com", "carol@contoso.com");
        var connector = await CreateConnectorAsync();
        var upload = await UploadAsync(connector.Id, Header +
            "alice@contoso.com,2024-03-01T10:00:00.1234567+05:30,2024-03-31\n" +
            "bob@contoso.com,31/03/2024,2024-04-30\n" +
            "carol@contoso.com,2024-03-02T10:00:00Z,\n");

        var run = await _worker.RunOnceAsync(connector.Id, RunTrigger.Upload);

        Assert.Equal(RunOutcome.Partial, run!.Outcome);
        var history = await _client.GetFromJsonAsync<Page<RunDto>>($"/api/compliance/connectors/{connector.Id}/history", Json.Options);
        var recorded = Assert.Single(history!.Items);
        Assert.Equal((3, 3, 2, 1, 0), (recorded.ItemsFromSource, recorded.ItemsForImport, recorded.ItemsImported, recorded.ItemsFailed, recorded.ItemsSkippedDuplicate));

        var failures = await _client.GetFromJsonAsync<Page<FailureDto>>($"/api/compliance/connectors/{connector.Id}/history/{run.Id}/failures", Json.Options);
        var failure = Assert.Single(failures!.Items);
        Assert.Equal(3, failure.RowNumber); // the header is row 1
        Assert.Equal("ResignationDate", failure.Field);
        Assert.Contains("31/03/2024", failure.Reason);

        var status = await _client.GetFromJsonAsync<ConnectorStatusDto>($"/api/compliance/connectors/{connector.Id}/status", Json.Options);
        Assert.Equal(ConnectorStatus.Warning, status!.Status);
        Assert.Equal(2, status.ItemsImported);
        Assert.Equal(1, status.Errors);
        Assert.NotNull(status.LastImportAt);

        var uploaded = await _client.GetFromJsonAsync<UploadDto>(upload.Location, Json.Options);
        Assert.Equal(UploadStatus.Imported, uploaded!.Status);
        Assert.Equal((2, 0, 1), (uploaded.RowsImported, uploaded.RowsDuplicate, uploaded.RowsFailed));
        Assert.Equal(3, Assert.Single(uploaded.FailedRows).RowNumber);
    }

    [Fact]
    public async Task DatesKeepTheirOriginalTextAndAreStoredInUtcWithMissingOffsetsFlagged()
    {
        var connector = await CreateConnectorAsync();
        await UploadAsync(connector.Id, Header +
            "alice@contoso.com,2019-04-23T15:18:02.4675041+05:30,2019-05-01T00:00:00Z\n" +
            "dave@contoso.com,2019-04-23T09:00:00,2019-05-01\n");
        await _worker.RunOnceAsync(connector.Id);

        await using var db = _api.CreateDbContext();
        var alice = await db.HrSignals.SingleAsync(s => s.ConnectorId == connector.Id && s.EmailAddress == "alice@contoso.com");
        Assert.Equal("2019-04-23T15:18:02.4675041+05:30", alice.EventDateText);
        Assert.Equal(new DateTimeOffset(2019, 4, 23, 9, 48, 2, TimeSpan.Zero).AddTicks(4675040), alice.EventDate);
        Assert.Equal(TimeSpan.Zero, alice.EventDate!.Value.Offset);
        Assert.False(alice.OffsetAssumed);
        var dave = await db.HrSignals.SingleAsync(s => s.ConnectorId == connector.Id && s.EmailAddress == "dave@contoso.com");
        Assert.Equal(new DateTimeOffset(2019, 4, 23, 9, 0, 0, TimeSpan.Zero), dave.EventDate);
        Assert.True(dave.OffsetAssumed);
    }

    [Fact]
    public async Task TheSameFilePushedTwiceImportsNothingNew()
    {
        var connector = await CreateConnectorAsync();
        var csv = Header + "erin@contoso.com,2024-01-15,2024-02-15\nfrank@contoso.com,2024-01-16,2024-02-16\n";
        await UploadAsync(connector.Id, csv);
        await _worker.RunOnceAsync(connector.Id);
        await UploadAsync(connector.Id, csv);
        var second = await _worker.RunOnceAsync(connector.Id);

        Assert.Equal(RunOutcome.Succeeded, second!.Outcome);
        Assert.Equal((2L, 0L, 2L), (second.Counts.ItemsForImport, second.Counts.ItemsImported, second.Counts.ItemsSkippedDuplicate));
        await using var db = _api.CreateDbContext();
        Assert.Equal(2, await db.HrSignals.CountAsync(s => s.ConnectorId == connector.Id));
    }

    [Fact]
    public async Task ARunWithNothingToImportSaysNoItemsAndActivatesTheConnector()
    {
        var connector = await CreateConnectorAsync();
        Assert.Equal(ConnectorStatus.WaitingToStart, connector.Status);

        var run = await _worker.RunOnceAsync(connector.Id, RunTrigger.Schedule);

        Assert.Equal(RunOutcome.NoItems, run!.Outcome);
        var status = await _client.GetFromJsonAsync<ConnectorStatusDto>($"/api/compliance/connectors/{connector.Id}/status", Json.Options);
        Assert.Equal(ConnectorStatus.Active, status!.Status);
        Assert.True(status.NextRunAt > DateTimeOffset.UtcNow.AddHours(23), "a daily connector's next run is a day away");
    }

    [Theory]
    [InlineData("EmailAddress,ResignationDate\na@b.com,2024-01-01\n", "LastWorkingDate")]
    [InlineData("Email,ResignationDate,LastWorkingDate\na@b.com,2024-01-01,\n", "EmailAddress")]
    public async Task AFileWithoutARequiredColumnIsRefusedAtOnceNamingTheColumn(string csv, string column)
    {
        var connector = await CreateConnectorAsync();
        var response = await PostFileAsync(connector.Id, Encoding.UTF8.GetBytes(csv));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(Json.Options);
        Assert.Contains(column, problem!.Errors.Keys);
        await using var db = _api.CreateDbContext();
        Assert.False(await db.SignalUploads.AnyAsync(u => u.ConnectorId == connector.Id), "a refused file is not stored");
    }

    [Fact]
    public async Task AFileOfMoreThanFiftyThousandRowsIsRefusedWith413()
    {
        var connector = await CreateConnectorAsync();
        var csv = new StringBuilder(Header);
        for (var i = 0; i <= HrCsv.MaxRows; i++)
        {
            csv.Append("p").Append(i).Append("@contoso.com,2024-01-01,2024-02-01\n");
        }
        var response = await PostFileAsync(connector.Id, Encoding.UTF8.GetBytes(csv.ToString()));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("50,000", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AFileThatIsNotUtf8IsRefused()
    {
        var connector = await CreateConnectorAsync();
        var latin1 = Encoding.Latin1.GetBytes(Header + "zoë@contoso.com,2024-01-01,2024-02-01\n");
        var response = await PostFileAsync(connector.Id, latin1);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("UTF-8", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnAcceptedFileIsKeptWithItsSha256AndTheUploadIsAudited()
    {
        var connector = await CreateConnectorAsync();
        var bytes = Encoding.UTF8.GetBytes(Header + "gina@contoso.com,2024-01-01,2024-02-01\n");
        var (location, upload) = await UploadAsync(connector.Id, Encoding.UTF8.GetString(bytes));

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), upload.Sha256);
        await using var db = _api.CreateDbContext();
        var stored = await db.SignalUploads.SingleAsync(u => u.Id == upload.Id);
        Assert.Equal(bytes, stored.Content);
        var audit = await db.AuditRecords.SingleAsync(a => a.Action == "signals.uploaded" && a.TargetId == connector.Id.ToString());
        Assert.Contains(upload.Sha256, audit.Details);
        Assert.EndsWith($"/signals/uploads/{upload.Id}", location);
    }

    [Fact]
    public async Task ASignalForSomeoneNotInTheDirectoryIsQuarantinedThenAttributedOnceTheyAreAdded()
    {
        var connector = await CreateConnectorAsync();
        await UploadAsync(connector.Id, Header + "newhire@contoso.com,2024-05-01,2024-05-31\n");

        var first = await _worker.RunOnceAsync(connector.Id);

        Assert.Equal((0L, 1L), (first!.Counts.ItemsImported, first.Counts.ItemsQuarantined));
        Assert.Equal(ConnectorStatus.Warning, (await _client.GetFromJsonAsync<ConnectorStatusDto>($"/api/compliance/connectors/{connector.Id}/status", Json.Options))!.Status);
        await using (var db = _api.CreateDbContext())
        {
            Assert.Null((await db.HrSignals.SingleAsync(s => s.ConnectorId == connector.Id)).AccountId);
            Assert.Equal("newhire@contoso.com", (await db.UnmappedIdentities.SingleAsync(u => u.ConnectorId == connector.Id)).SourceId);
        }

        var account = await AddAccountsAsync("newhire@contoso.com");
        await using (var db = _api.CreateDbContext())
        {
            // Adding the account asks for a run at once rather than waiting for tomorrow's.
            Assert.NotNull((await db.Connectors.SingleAsync(c => c.Id == connector.Id)).RunRequestedAt);
        }
        var second = await _worker.RunOnceAsync(connector.Id);

        Assert.Equal(1, second!.ItemsReleasedFromQuarantine);
        await using var check = _api.CreateDbContext();
        Assert.Equal(account, (await check.HrSignals.SingleAsync(s => s.ConnectorId == connector.Id)).AccountId);
        Assert.False(await check.UnmappedIdentities.AnyAsync(u => u.ConnectorId == connector.Id));
    }

    /// <summary>Adds directory accounts through the API; returns the id of the last one.</summary>
    private async Task<Guid> AddAccountsAsync(params string[] emails)
    {
        foreach (var email in emails)
        {
            (await _client.PostAsJsonAsync("/api/compliance/directory/accounts", new { email, displayName = email })).EnsureSuccessStatusCode();
        }
        await using var db = _api.CreateDbContext();
        var last = emails[^1];
        return (await db.Accounts.SingleAsync(a => a.Email == last)).Id;
    }

    private async Task<ConnectorDto> CreateConnectorAsync()
    {
        var response = await _client.PostAsJsonAsync("/api/compliance/connectors", new { name = $"HR {Guid.NewGuid():N}", type = "HR" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options))!;
    }

    private async Task<HttpResponseMessage> PostFileAsync(Guid connectorId, byte[] content)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(content), "file", "hr.csv" } };
        return await _client.PostAsync($"/api/compliance/connectors/{connectorId}/signals", form);
    }

    private async Task<(string Location, UploadDto Upload)> UploadAsync(Guid connectorId, string csv)
    {
        var response = await PostFileAsync(connectorId, Encoding.UTF8.GetBytes(csv));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (response.Headers.Location!.ToString(), (await response.Content.ReadFromJsonAsync<UploadDto>(Json.Options))!);
    }
}

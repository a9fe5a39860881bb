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

    private const string MixedHeader = "HRScenario,EmailAddress,ResignationDate,LastWorkingDate,EffectiveDate,Remarks,OldLevel,NewLevel,Rating,Department,EmployeeRole\n";

    private static readonly object MixedSettings = new
    {
        scenarioColumn = "HRScenario",
        scenarioValues = new Dictionary<string, string> { ["Leaver"] = "Resignation", ["Promotion"] = "JobLevelChange", ["Profile"] = "EmployeeProfile" },
    };

    [Fact]
    public async Task AMixedScenarioFileIsImportedRowByRowWithExactCountsAndRePushingItImportsNothingNew()
    {
        await AddAccountsAsync("alice@contoso.com", "bob@contoso.com", "carol@contoso.com", "dave@contoso.com", "erin@contoso.com");
        var connector = await CreateConnectorAsync(MixedSettings);
        var csv = MixedHeader +
            "Leaver,alice@contoso.com,2024-03-01T10:00:00+05:30,2024-03-31,,,,,,,\n" +
            "promotion,bob@contoso.com,,,2024-04-01T09:00:00.25Z,\"Promoted, Q2\",L61,L62,,,\n" +
            "PerformanceReview,carol@contoso.com,,,2024-05-01,Strong year,,,4 - Exceeds,,\n" +
            "PerformanceImprovementPlan,dave@contoso.com,,,2024-06-01,Plan agreed,,,,,\n" +
            "Profile,erin@contoso.com,,,,,,,,Sales,Account manager\n" +
            "Sabbatical,frank@contoso.com,,,,,,,,,\n" +
            "PerformanceReview,carol@contoso.com,,,2024-05-02,Remarks,,," + new string('x', 26) + ",,\n" +
            "Promotion,bob@contoso.com,,,2024-04-02\n";
        var (location, _) = await UploadAsync(connector.Id, csv);

        var run = await _worker.RunOnceAsync(connector.Id);

        Assert.Equal(RunOutcome.Partial, run!.Outcome);
        Assert.Equal((8L, 5L, 3L, 0L), (run.Counts.ItemsForImport, run.Counts.ItemsImported, run.Counts.ItemsFailed, run.Counts.ItemsSkippedDuplicate));
        var uploaded = await _client.GetFromJsonAsync<UploadDto>(location, Json.Options);
        Assert.Equal((5, 0, 3), (uploaded!.RowsImported, uploaded.RowsDuplicate, uploaded.RowsFailed));
        Assert.Equal([(7, "HRScenario"), (8, "Rating"), (9, "row")], uploaded.FailedRows.Select(f => (f.RowNumber ?? 0, f.Field ?? "")));
        Assert.Contains("Sabbatical", uploaded.FailedRows[0].Reason);

        await using (var db = _api.CreateDbContext())
        {
            var signals = await db.HrSignals.Where(s => s.ConnectorId == connector.Id).OrderBy(s => s.RowNumber).ToListAsync();
            Assert.Equal(["Resignation", "JobLevelChange", "PerformanceReview", "PerformanceImprovementPlan", "EmployeeProfile"], signals.Select(s => s.Scenario));
            Assert.All(signals, s => Assert.NotNull(s.AccountId));
            Assert.Equal(new DateTimeOffset(2024, 3, 1, 4, 30, 0, TimeSpan.Zero), signals[0].EventDate);
            var promotion = signals[1];
            Assert.Equal(("Promoted, Q2", "L61", "L62"), (promotion.Remarks, promotion.OldLevel, promotion.NewLevel));
            Assert.Equal(new DateTimeOffset(2024, 4, 1, 9, 0, 0, 250, TimeSpan.Zero), promotion.EffectiveDate);
            Assert.Equal(("2024-04-01T09:00:00.25Z", false), (promotion.EffectiveDateText, promotion.OffsetAssumed));
            Assert.Equal("4 - Exceeds", signals[2].Rating);
            Assert.True(signals[3].OffsetAssumed, "2024-06-01 has no offset: taken as UTC and flagged");
            Assert.Contains("\"employeeRole\": \"Account manager\"", signals[4].Profile);
        }

        await UploadAsync(connector.Id, csv);
        var second = await _worker.RunOnceAsync(connector.Id);

        Assert.Equal((8L, 0L, 3L, 5L), (second!.Counts.ItemsForImport, second.Counts.ItemsImported, second.Counts.ItemsFailed, second.Counts.ItemsSkippedDuplicate));
        await using var check = _api.CreateDbContext();
        Assert.Equal(5, await check.HrSignals.CountAsync(s => s.ConnectorId == connector.Id));
    }

    [Theory]
    [InlineData("EmailAddress,ResignationDate,LastWorkingDate\na@b.com,2024-01-01,\n", "HRScenario")]
    [InlineData("HRScenario,Mail\nLeaver,a@b.com\n", "EmailAddress")]
    public async Task AMixedFileWithoutTheEmailOrScenarioColumnIsRefusedNamingIt(string csv, string column)
    {
        var connector = await CreateConnectorAsync(MixedSettings);
        var response = await PostFileAsync(connector.Id, Encoding.UTF8.GetBytes(csv));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(Json.Options);
        Assert.Contains($"'{column}'", Assert.Single(problem!.Errors[column]));
    }

    [Fact]
    public async Task ASingleScenarioConnectorRefusesAFileWithoutItsMandatoryColumn()
    {
        var connector = await CreateConnectorAsync(new { scenario = "JobLevelChange", oldLevelColumn = "From Grade" });
        var response = await PostFileAsync(connector.Id, Encoding.UTF8.GetBytes("EmailAddress,EffectiveDate,Remarks,NewLevel\na@b.com,2024-01-01,,L2\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(Json.Options);
        Assert.Contains("From Grade", problem!.Errors.Keys);
    }

    [Fact]
    public async Task InvalidHrSettingsAreRefusedFieldByField()
    {
        var response = await _client.PostAsJsonAsync("/api/compliance/connectors",
            new { name = $"HR {Guid.NewGuid():N}", type = "HR", settings = new { scenario = "Sabbatical" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(Json.Options);
        Assert.Contains("settings.scenario", problem!.Errors.Keys);
    }

    [Fact]
    public async Task AProfileCountsAsCurrentForThirtyDaysAndIsRefreshedByBeingPushedAgainButNeverDeleted()
    {
        var account = await AddAccountsAsync("paula@contoso.com");
        var connector = await CreateConnectorAsync(new { scenario = "EmployeeProfile" });
        const string header = "EmailAddress,FirstName,Department,EmployeeRole\n";
        await UploadAsync(connector.Id, header + "paula@contoso.com,Paula,Sales,Analyst\n");
        await _worker.RunOnceAsync(connector.Id);
        var now = DateTimeOffset.UtcNow;

        await using (var db = _api.CreateDbContext())
        {
            var current = await HrProfiles.CurrentAsync(db, account, now);
            Assert.Contains("Analyst", current!.Profile);
            Assert.Equal(current.Id, (await HrProfiles.CurrentAsync(db, "Paula@Contoso.com", now))!.Id);
            Assert.NotNull(await HrProfiles.CurrentAsync(db, account, now.AddDays(29)));
            Assert.Null(await HrProfiles.CurrentAsync(db, account, now.AddDays(31)));
            Assert.Null(await HrProfiles.CurrentAsync(db, "nobody@contoso.com", now));
        }

        // A month passes without a refresh: the profile no longer counts, but it is kept.
        await using (var db = _api.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE hr_signals SET refreshed_at = refreshed_at - interval '31 days', imported_at = imported_at - interval '31 days' WHERE connector_id = {0}", connector.Id);
            Assert.Null(await HrProfiles.CurrentAsync(db, account, DateTimeOffset.UtcNow));
            Assert.Equal(1, await db.HrSignals.CountAsync(s => s.ConnectorId == connector.Id));
        }

        // The same profile pushed again is a duplicate, yet it is current again.
        await UploadAsync(connector.Id, header + "paula@contoso.com,Paula,Sales,Analyst\n");
        var again = await _worker.RunOnceAsync(connector.Id);
        Assert.Equal((0L, 1L), (again!.Counts.ItemsImported, again.Counts.ItemsSkippedDuplicate));
        await using (var db = _api.CreateDbContext())
        {
            Assert.Contains("Analyst", (await HrProfiles.CurrentAsync(db, account, DateTimeOffset.UtcNow))!.Profile);
        }

        // A changed profile is a new row and becomes the current one; the old row stays.
        await UploadAsync(connector.Id, header + "paula@contoso.com,Paula,Sales,Team lead\n");
        var changed = await _worker.RunOnceAsync(connector.Id);
        Assert.Equal(1L, changed!.Counts.ItemsImported);
        await using var check = _api.CreateDbContext();
        Assert.Contains("Team lead", (await HrProfiles.CurrentAsync(check, account, DateTimeOffset.UtcNow))!.Profile);
        Assert.Equal(2, await check.HrSignals.CountAsync(s => s.ConnectorId == connector.Id));
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

    private async Task<ConnectorDto> CreateConnectorAsync(object? settings = null)
    {
        var response = await _client.PostAsJsonAsync("/api/compliance/connectors", new { name = $"HR {Guid.NewGuid():N}", type = "HR", settings });
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

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectors.Api.Connectors;
using Connectors.Api.Mapping;
using Connectors.Api.Security;
using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Imports;
using Connectors.Mapping;
using Connectors.Runs;
using Connectors.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Connectors.Tests;

/// <summary>The organisation directory and per-connector identity mapping, through the API against a real database.</summary>
[Collection(ServersCollection.Name)]
public sealed class MappingApiTests(ServersFixture servers) : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private HttpClient _client = null!;
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _database = await servers.CreateDatabaseAsync("mapping");
        _api = new ApiFactory(_database, servers.RedisConnectionString);
        _client = _api.CreateAdminClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task AnAccountIsCreatedOnceByItsLowerCaseEmailAndUpdatedAfterwards()
    {
        var created = await _client.PostAsJsonAsync("/api/compliance/directory/accounts", new { email = " Alice@Contoso.com ", displayName = "Alice" });
        var updated = await _client.PostAsJsonAsync("/api/compliance/directory/accounts", new { email = "ALICE@contoso.com", displayName = "Alice Smith", enabled = false });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var account = await _client.GetFromJsonAsync<AccountDto>(created.Headers.Location, Json.Options);
        Assert.Equal(("alice@contoso.com", "Alice Smith", false), (account!.Email, account.DisplayName, account.Enabled));
        var page = await _client.GetFromJsonAsync<Page<AccountDto>>("/api/compliance/directory/accounts?search=ALI", Json.Options);
        Assert.Single(page!.Items);
        await using var db = _api.CreateDbContext();
        Assert.Equal(2, await db.AuditRecords.CountAsync(a => a.Action == MappingAuditActions.AccountChanged && a.TargetId == account.Id.ToString()));
    }

    [Theory]
    [InlineData("""{"email":"not-an-email","displayName":"X"}""", "email")]
    [InlineData("""{"email":"x@contoso.com"}""", "displayName")]
    public async Task AnInvalidAccountIsRefusedNamingTheField(string body, string field)
    {
        var response = await _client.PostAsync("/api/compliance/directory/accounts", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertFieldProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task AccountsArePagedInEmailOrder()
    {
        foreach (var name in new[] { "carol", "alice", "bob" })
        {
            (await _client.PostAsJsonAsync("/api/compliance/directory/accounts", new { email = $"{name}@contoso.com", displayName = name })).EnsureSuccessStatusCode();
        }

        var first = await _client.GetFromJsonAsync<Page<AccountDto>>("/api/compliance/directory/accounts?limit=2", Json.Options);
        var second = await _client.GetFromJsonAsync<Page<AccountDto>>($"/api/compliance/directory/accounts?limit=2&after={first!.Next}", Json.Options);

        Assert.Equal(["alice@contoso.com", "bob@contoso.com"], first.Items.Select(a => a.Email));
        Assert.Equal(["carol@contoso.com"], second!.Items.Select(a => a.Email));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task ADirectoryImportUpsertsGoodRowsAndReportsBadRowsByNumber()
    {
        await AddAccountAsync("alice@contoso.com", "Alice");
        await AddAccountAsync("frank@contoso.com", "Frank");
        const string csv = """
            email,DISPLAYNAME,Enabled
            alice@contoso.com,Alice,
            frank@contoso.com,Frank Jones,
            Bob@Contoso.com,Bob,TRUE
            carol@contoso.com,Carol,false
            not-an-email,Nobody,true
            dave@contoso.com,Dave,maybe
            bob@contoso.com,Bobby,true
            """;

        var response = await PostFileAsync("/api/compliance/directory/accounts/import", csv);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<ImportResultDto>(Json.Options))!;
        Assert.Equal((7, 2, 1, 1), (result.Rows, result.Created, result.Updated, result.Unchanged));
        Assert.Equal([(6, "Email"), (7, "Enabled"), (8, "Email")], result.Failed.Select(f => (f.Row, f.Column)));
        Assert.Contains("not an email address", result.Failed[0].Reason);
        Assert.Contains("row 4", result.Failed[2].Reason);
        await using var db = _api.CreateDbContext();
        var accounts = await db.Accounts.ToDictionaryAsync(a => a.Email);
        Assert.Equal(["alice@contoso.com", "bob@contoso.com", "carol@contoso.com", "frank@contoso.com"], accounts.Keys.Order());
        Assert.Equal("Frank Jones", accounts["frank@contoso.com"].DisplayName);
        Assert.False(accounts["carol@contoso.com"].Enabled);
        Assert.True(accounts["bob@contoso.com"].Enabled);
        var audit = await db.AuditRecords.SingleAsync(a => a.Action == MappingAuditActions.DirectoryImported);
        Assert.Equal(3, JsonDocument.Parse(audit.Details!).RootElement.GetProperty("failed").GetInt32());

        var again = await (await PostFileAsync("/api/compliance/directory/accounts/import", csv)).Content.ReadFromJsonAsync<ImportResultDto>(Json.Options);
        Assert.Equal((0, 0, 4), (again!.Created, again.Updated, again.Unchanged));
    }

    [Fact]
    public async Task ADirectoryFileWithoutAnEmailColumnIsRefusedNamingTheColumn()
    {
        var response = await PostFileAsync("/api/compliance/directory/accounts/import", "Mail,DisplayName\nalice@contoso.com,Alice\n");

        await AssertFieldProblemAsync(response, HttpStatusCode.BadRequest, "Email");
    }

    [Fact]
    public async Task ADirectoryFileOverTheRowLimitIsRefusedAsTooLargeAndNothingIsImported()
    {
        var csv = new StringBuilder("Email,DisplayName\n");
        for (var i = 0; i <= MappingCsv.MaxRows; i++)
        {
            csv.Append("user").Append(i).Append("@contoso.com,User\n");
        }

        var response = await PostFileAsync("/api/compliance/directory/accounts/import", csv.ToString());

        await AssertFieldProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "file");
        await using var db = _api.CreateDbContext();
        Assert.False(await db.Accounts.AnyAsync());
    }

    [Fact]
    public async Task AMappingToAnAccountNotInTheDirectoryIsRefusedNamingAccount()
    {
        var connector = await AddConnectorAsync();

        var response = await _client.PostAsJsonAsync($"/api/compliance/connectors/{connector}/mappings", new { sourceId = "U-DAVE", account = "dave@contoso.com" });

        await AssertFieldProblemAsync(response, HttpStatusCode.BadRequest, "account");
    }

    [Fact]
    public async Task AMappingMustEndAfterItStarts()
    {
        var connector = await AddConnectorAsync();
        await AddAccountAsync("alice@contoso.com", "Alice");

        var response = await _client.PostAsJsonAsync($"/api/compliance/connectors/{connector}/mappings",
            new { sourceId = "U-DESK", account = "alice@contoso.com", validFrom = "2026-06-01T00:00:00Z", validTo = "2026-06-01T00:00:00Z" });

        await AssertFieldProblemAsync(response, HttpStatusCode.BadRequest, "validTo");
    }

    [Fact]
    public async Task OverlappingValidityForOneSourceIdIsAConflictWhileAHandoverIsNot()
    {
        var connector = await AddConnectorAsync();
        await AddAccountAsync("alice@contoso.com", "Alice");
        await AddAccountAsync("bob@contoso.com", "Bob");
        var url = $"/api/compliance/connectors/{connector}/mappings";
        (await _client.PostAsJsonAsync(url, new { sourceId = "U-DESK", account = "alice@contoso.com", validTo = "2026-06-01T00:00:00Z" })).EnsureSuccessStatusCode();

        // The same id (matched case-insensitively, as the resolver does) for a period that overlaps May.
        var overlapping = await _client.PostAsJsonAsync(url, new { sourceId = "u-desk", account = "bob@contoso.com", validFrom = "2026-05-01T00:00:00+02:00" });
        var handover = await _client.PostAsJsonAsync(url, new { sourceId = "U-DESK", account = "bob@contoso.com", validFrom = "2026-06-01T02:00:00+02:00" });

        Assert.Equal(HttpStatusCode.Conflict, overlapping.StatusCode);
        Assert.Equal("application/problem+json", overlapping.Content.Headers.ContentType?.MediaType);
        Assert.Contains("overlap", (await overlapping.Content.ReadFromJsonAsync<ProblemDetails>(Json.Options))!.Detail);
        Assert.Equal(HttpStatusCode.Created, handover.StatusCode);
        var mapping = await _client.GetFromJsonAsync<MappingDto>(handover.Headers.Location, Json.Options);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), mapping!.ValidFrom);
    }

    [Fact]
    public async Task AddingOrRemovingAMappingRequestsARunAndIsAudited()
    {
        var connector = await AddConnectorAsync();
        await AddAccountAsync("bob@contoso.com", "Bob");

        var response = await _client.PostAsJsonAsync($"/api/compliance/connectors/{connector}/mappings", new { sourceId = "U-DAVE", account = "Bob@contoso.com" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<MappingDto>(Json.Options))!;
        Assert.Equal(("U-DAVE", "bob@contoso.com", ApiKeyAuthenticationHandler.BootstrapKeyName), (created.SourceId, created.Account, created.CreatedBy));
        await AssertRunRequestedAsync(connector);
        var list = await _client.GetFromJsonAsync<Page<MappingDto>>($"/api/compliance/connectors/{connector}/mappings", Json.Options);
        Assert.Equal([created.Id], list!.Items.Select(m => m.Id));

        await ClearRunRequestAsync(connector);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/compliance/connectors/{connector}/mappings/{created.Id}")).StatusCode);

        await AssertRunRequestedAsync(connector);
        Assert.Empty((await _client.GetFromJsonAsync<Page<MappingDto>>($"/api/compliance/connectors/{connector}/mappings", Json.Options))!.Items);
        await using var db = _api.CreateDbContext();
        var audit = await db.AuditRecords.Where(a => a.Action == MappingAuditActions.MappingChanged && a.TargetId == connector.ToString())
            .OrderBy(a => a.Id).Select(a => a.Details!).ToListAsync();
        Assert.Equal([("added", "U-DAVE"), ("removed", "U-DAVE")], audit.Select(d => JsonDocument.Parse(d))
            .Select(d => (d.RootElement.GetProperty("change").GetString(), d.RootElement.GetProperty("sourceId").GetString())));
    }

    [Fact]
    public async Task AMappingImportAddsGoodRowsReportsTheOthersAndCanBeLoadedAgain()
    {
        var connector = await AddConnectorAsync();
        await AddAccountAsync("alice@contoso.com", "Alice");
        await AddAccountAsync("bob@contoso.com", "Bob");
        const string csv = """
            SourceId,Account,ValidFrom,ValidTo
            U-ALICE,alice@contoso.com,,
            U-DESK,alice@contoso.com,,2026-06-01
            U-DESK,bob@contoso.com,2026-06-01T00:00:00Z,
            U-DESK,bob@contoso.com,2026-05-01,
            U-GHOST,ghost@contoso.com,,
            U-BAD,alice@contoso.com,31/12/2026,
            """;
        var url = $"/api/compliance/connectors/{connector}/mappings/import";

        var response = await PostFileAsync(url, csv);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<ImportResultDto>(Json.Options))!;
        Assert.Equal((6, 3, 0), (result.Rows, result.Created, result.Unchanged));
        Assert.Equal([(5, "SourceId"), (6, "Account"), (7, "ValidFrom")], result.Failed.Select(f => (f.Row, f.Column)));
        Assert.Contains("overlaps an earlier row", result.Failed[0].Reason);
        await AssertRunRequestedAsync(connector);

        var again = (await (await PostFileAsync(url, csv)).Content.ReadFromJsonAsync<ImportResultDto>(Json.Options))!;
        Assert.Equal((0, 3), (again.Created, again.Unchanged));
        Assert.Contains("overlaps mapping", again.Failed[0].Reason);
        var header = await PostFileAsync(url, "SourceId,Acct\nU-ALICE,alice@contoso.com\n");
        await AssertFieldProblemAsync(header, HttpStatusCode.BadRequest, "Account");
    }

    [Fact]
    public async Task AnUnknownConnectorHasNoMappings()
    {
        var id = Guid.NewGuid();

        foreach (var route in new[] { "mappings", "mapping-settings", "unmapped", "quarantine" })
        {
            var response = await _client.GetAsync($"/api/compliance/connectors/{id}/{route}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("""{"scope":"Listed"}""", "scopeAccounts")]
    [InlineData("""{"scope":"Listed","scopeAccounts":["nobody@contoso.com"]}""", "scopeAccounts")]
    [InlineData("""{"unmapped":"CatchAll","catchAllAccount":"nobody@contoso.com"}""", "catchAllAccount")]
    [InlineData("""{"unmapped":"CatchAll"}""", "catchAllAccount")]
    [InlineData("""{"autoMapBy":" "}""", "autoMapBy")]
    [InlineData("""{"scope":"Everyone"}""", "scope")]
    [InlineData("""{"scope":"UsersOnHold","scopeAccounts":["alice@contoso.com"]}""", "scopeAccounts")]
    [InlineData("""{"unmapped":"2"}""", "unmapped")]
    public async Task MappingSettingsThatCannotWorkAreRefusedNamingTheField(string body, string field)
    {
        var connector = await AddConnectorAsync();
        await AddAccountAsync("alice@contoso.com", "Alice");

        var response = await _client.PutAsync($"/api/compliance/connectors/{connector}/mapping-settings", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertFieldProblemAsync(response, HttpStatusCode.BadRequest, field);
        await using var db = _api.CreateDbContext();
        Assert.Equal("{}", (await db.Connectors.SingleAsync(c => c.Id == connector)).Mapping);
    }

    [Fact]
    public async Task AUsersOnHoldScopeIsStoredAsTheResolverReadsIt()
    {
        var connector = await AddConnectorAsync();

        var response = await _client.PutAsJsonAsync($"/api/compliance/connectors/{connector}/mapping-settings", new { scope = "UsersOnHold" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = _api.CreateDbContext();
        Assert.Equal(ScopeMode.UsersOnHold, IdentityResolver.ReadSettings(await db.Connectors.SingleAsync(c => c.Id == connector)).Scope);
    }

    [Fact]
    public async Task AListedScopeIsStoredAsTheResolverReadsIt()
    {
        var connector = await AddConnectorAsync();
        await AddAccountAsync("alice@contoso.com", "Alice");

        var response = await _client.PutAsJsonAsync($"/api/compliance/connectors/{connector}/mapping-settings",
            new { autoMapBy = "CorporateEmailAddress", scope = "listed", scopeAccounts = new[] { "Alice@Contoso.com" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = _api.CreateDbContext();
        var settings = IdentityResolver.ReadSettings(await db.Connectors.SingleAsync(c => c.Id == connector));
        Assert.Equal(("CorporateEmailAddress", ScopeMode.Listed, UnmappedPolicy.Quarantine), (settings.AutoMapBy, settings.Scope, settings.Unmapped));
        Assert.Equal(["alice@contoso.com"], settings.ScopeAccounts!);
        await AssertRunRequestedAsync(connector);
    }

    [Fact]
    public async Task ChoosingToDropUnmappableItemsIsAuditedAsAnExplicitChoice()
    {
        var connector = await AddConnectorAsync();

        var response = await _client.PutAsJsonAsync($"/api/compliance/connectors/{connector}/mapping-settings", new { unmapped = "Drop" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var settings = await _client.GetFromJsonAsync<MappingSettingsDto>($"/api/compliance/connectors/{connector}/mapping-settings", Json.Options);
        Assert.Equal(UnmappedPolicy.Drop, settings!.Unmapped);
        await using var db = _api.CreateDbContext();
        var audit = await db.AuditRecords.SingleAsync(a => a.Action == MappingAuditActions.SettingsChanged && a.TargetId == connector.ToString());
        var details = JsonDocument.Parse(audit.Details!).RootElement;
        Assert.True(details.GetProperty("dropUnmapped").GetBoolean());
        Assert.Equal("Quarantine", details.GetProperty("previousUnmapped").GetString());
        await AssertRunRequestedAsync(connector);
    }

    [Fact]
    public async Task TheWorklistShowsTheIdentitiesWithTheMostWaitingItemsFirst()
    {
        var connector = await AddConnectorAsync();
        var other = await AddConnectorAsync();
        await using (var db = _api.CreateDbContext())
        {
            foreach (var (id, count) in new[] { ("U-C", 5L), ("U-A", 9L), ("U-B", 5L), ("U-D", 1L) })
            {
                db.UnmappedIdentities.Add(new UnmappedIdentity
                {
                    ConnectorId = connector, SourceId = id, ItemCount = count, FirstSeenAt = DateTimeOffset.UtcNow, LastSeenAt = DateTimeOffset.UtcNow,
                });
            }
            db.UnmappedIdentities.Add(new UnmappedIdentity { ConnectorId = other, SourceId = "U-Z", ItemCount = 99, FirstSeenAt = DateTimeOffset.UtcNow, LastSeenAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var url = $"/api/compliance/connectors/{connector}/unmapped";

        var first = await _client.GetFromJsonAsync<Page<UnmappedIdentityDto>>($"{url}?limit=2", Json.Options);
        var second = await _client.GetFromJsonAsync<Page<UnmappedIdentityDto>>($"{url}?limit=2&after={Uri.EscapeDataString(first!.Next!)}", Json.Options);

        Assert.Equal(["U-A", "U-B"], first.Items.Select(u => u.SourceId));
        Assert.Equal(["U-C", "U-D"], second!.Items.Select(u => u.SourceId));
        Assert.Null(second.Next);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync($"{url}?after=nonsense")).StatusCode);
    }

    [Fact]
    public async Task AMappingAddedThroughTheApiReleasesTheQuarantinedItemOnTheNextRun()
    {
        var connector = await AddConnectorAsync();
        var nothingWaiting = await AddConnectorAsync();
        var itemId = await AddQuarantinedItemAsync(connector, "m3", "U-DAVE");
        var account = (await (await AddAccountAsync("bob@contoso.com", "Bob")).Content.ReadFromJsonAsync<AccountDto>(Json.Options))!;
        // A new account may map people whose items wait: their connector runs again; the others are left alone.
        await AssertRunRequestedAsync(connector);
        await using (var check = _api.CreateDbContext())
        {
            Assert.Null((await check.Connectors.SingleAsync(c => c.Id == nothingWaiting)).RunRequestedAt);
        }
        var waiting = await _client.GetFromJsonAsync<QuarantineDto>($"/api/compliance/connectors/{connector}/quarantine", Json.Options);
        Assert.Equal(1, waiting!.Pending);
        Assert.Equal("U-DAVE", Assert.Single(waiting.Items).Sender.GetProperty("sourceId").GetString());

        (await _client.PostAsJsonAsync($"/api/compliance/connectors/{connector}/mappings", new { sourceId = "U-DAVE", account = "bob@contoso.com" })).EnsureSuccessStatusCode();
        using var worker = WorkerHost.Create(_database, servers.RedisConnectionString, configure: s =>
        {
            s.RemoveAll<IConnectorSource>();
            s.AddSingleton<IConnectorSource>(new ScriptedSource(ConnectorTypes.Slack));
        });
        var run = await worker.RunOnceAsync(connector);

        Assert.Equal(1, run!.ItemsReleasedFromQuarantine);
        await using var db = _api.CreateDbContext();
        Assert.True(await db.Placements.AnyAsync(p => p.ItemId == itemId && p.AccountId == account.Id));
        Assert.NotNull((await db.Quarantine.SingleAsync(q => q.ItemId == itemId)).ReleasedAt);
        Assert.False(await db.UnmappedIdentities.AnyAsync(u => u.ConnectorId == connector));
        var after = await _client.GetFromJsonAsync<QuarantineDto>($"/api/compliance/connectors/{connector}/quarantine", Json.Options);
        Assert.Equal(0, after!.Pending);
    }

    private async Task<HttpResponseMessage> AddAccountAsync(string email, string displayName)
    {
        var response = await _client.PostAsJsonAsync("/api/compliance/directory/accounts", new { email, displayName });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response;
    }

    /// <summary>A Slack connector (not creatable through the API yet), with no run requested.</summary>
    private async Task<Guid> AddConnectorAsync()
    {
        await using var db = _api.CreateDbContext();
        var connector = new Connector
        {
            Name = $"Slack {Guid.NewGuid():N}",
            Type = ConnectorTypes.Slack,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Connectors.Add(connector);
        await db.SaveChangesAsync();
        return connector.Id;
    }

    /// <summary>An item an earlier run archived but could place in no mailbox: its sender was unmapped.</summary>
    private async Task<long> AddQuarantinedItemAsync(Guid connector, string sourceId, string sender)
    {
        await using var db = _api.CreateDbContext();
        var now = DateTimeOffset.UtcNow;
        var run = new ImportRun { ConnectorId = connector, Trigger = RunTrigger.Schedule, StartedAt = now, CompletedAt = now, Outcome = RunOutcome.Succeeded };
        var raw = Encoding.UTF8.GetBytes($$"""{"ts":"{{sourceId}}","user":"{{sender}}"}""");
        var sha = Convert.ToHexStringLower(SHA256.HashData(raw));
        db.Runs.Add(run);
        db.Blobs.Add(new ContentBlob { Sha256 = sha, Size = raw.Length, Content = raw });
        await db.SaveChangesAsync();
        var item = new ArchivedItem
        {
            ItemKey = ArchivedItem.KeyOf(ConnectorTypes.Slack, ScriptedSource.Account, sourceId),
            VersionHash = sha,
            ConnectorId = connector,
            RunId = run.Id,
            SourceType = ConnectorTypes.Slack,
            ItemClass = ArchivedItem.ItemClassOf(ConnectorTypes.Slack),
            SourceAccount = ScriptedSource.Account,
            SourceId = sourceId,
            Sender = $$"""{"sourceId":"{{sender}}"}""",
            Recipients = "[]",
            SentAt = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero),
            IngestedAt = now,
            BodyText = "nobody we know",
            Attachments = "[]",
            RawSha256 = sha,
            RawSize = raw.Length,
        };
        db.Items.Add(item);
        await db.SaveChangesAsync();
        db.Quarantine.Add(new QuarantinedItem { ConnectorId = connector, ItemId = item.Id, RunId = run.Id, QuarantinedAt = now });
        db.UnmappedIdentities.Add(new UnmappedIdentity { ConnectorId = connector, SourceId = sender, ItemCount = 1, FirstSeenAt = item.SentAt, LastSeenAt = item.SentAt });
        await db.SaveChangesAsync();
        return item.Id;
    }

    private async Task<HttpResponseMessage> PostFileAsync(string url, string csv)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "upload.csv" } };
        return await _client.PostAsync(url, form);
    }

    private async Task AssertRunRequestedAsync(Guid connector)
    {
        await using var db = _api.CreateDbContext();
        var c = await db.Connectors.SingleAsync(x => x.Id == connector);
        Assert.NotNull(c.RunRequestedAt);
        Assert.Equal(RunTrigger.Manual, c.RequestedTrigger);
    }

    private async Task ClearRunRequestAsync(Guid connector)
    {
        await using var db = _api.CreateDbContext();
        await db.Connectors.Where(c => c.Id == connector).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.RunRequestedAt, (DateTimeOffset?)null)
            .SetProperty(c => c.RequestedTrigger, (RunTrigger?)null));
    }

    private static async Task AssertFieldProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Json.Options);
        Assert.Contains(field, problem!.Errors.Keys);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Connectors.Api.Connectors;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Runs;
using Connectors.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests;

[Collection(ServersCollection.Name)]
public sealed class ConnectorsApiTests(ServersFixture servers) : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private HttpClient _client = null!;
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _database = await servers.CreateDatabaseAsync("api");
        _api = new ApiFactory(_database, servers.RedisConnectionString);
        _client = _api.CreateAdminClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task ANameAndTypeAloneCreateAnEnabledDailyConnectorWaitingToStart()
    {
        var response = await _client.PostAsJsonAsync("/api/compliance/connectors", new { name = "HR Import", type = "HR" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options);
        Assert.Equal($"/api/compliance/connectors/{created!.Id}", response.Headers.Location!.ToString());
        Assert.True(created.Enabled);
        Assert.Equal(TimeSpan.FromHours(24), System.Xml.XmlConvert.ToTimeSpan(created.Schedule.Interval!));
        Assert.Equal(ConnectorStatus.WaitingToStart, created.Status);
        var json = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"itemsImported\":0", json); // camelCase on the wire
    }

    [Fact]
    public async Task ACronScheduleInATimeZoneGetsItsNextRunInThatZone()
    {
        var response = await _client.PostAsJsonAsync("/api/compliance/connectors",
            new { name = "Nightly", type = "HR", schedule = new { cron = "0 2 * * *", timeZone = "America/New_York" } });
        var created = await response.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options);
        Assert.Equal("America/New_York", created!.Schedule.TimeZone);

        // After its first run, the next run is 02:00 New York time.
        await using var db = _api.CreateDbContext();
        var connector = await db.Connectors.SingleAsync(c => c.Id == created.Id);
        var next = connector.Schedule.NextAfter(DateTimeOffset.UtcNow);
        var local = TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        Assert.Equal((2, 0), (local.Hour, local.Minute));
    }

    [Theory]
    [InlineData("""{"name":"x","type":"Zoom"}""", "settings.accountId")]
    [InlineData("""{"name":"x","type":"Slack"}""", "settings.sourceAccount")]
    [InlineData("""{"name":"x","type":"InstantBloomberg","settings":{"sourceAccount":"f1"}}""", "settings.host")]
    [InlineData("""{"name":"x","type":"Nope"}""", "type")]
    [InlineData("""{"type":"HR"}""", "name")]
    [InlineData("""{"name":"x","type":"HR","schedule":{"interval":"PT10S"}}""", "schedule.interval")]
    [InlineData("""{"name":"x","type":"HR","schedule":{"cron":"61 * * * *"}}""", "schedule.cron")]
    [InlineData("""{"name":"x","type":"HR","schedule":{"cron":"0 2 * * *","timeZone":"Mars/Olympus"}}""", "schedule.timeZone")]
    [InlineData("""{"name":"x","type":"HR","settings":{"unknownSetting":1}}""", "settings.unknownSetting")]
    [InlineData("""{"name":"x","type":"HR","credentials":"secret"}""", "credentials")]
    public async Task InvalidConnectorsAreRefusedWithAProblemNamingTheField(string body, string field)
    {
        var response = await _client.PostAsync("/api/compliance/connectors", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Json.Options);
        Assert.Contains(field, problem!.Errors.Keys);
    }

    [Fact]
    public async Task AMalformedBodyIsAProblemNotAnEmptyError()
    {
        var response = await _client.PostAsync("/api/compliance/connectors", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(Json.Options);
        Assert.True(problem!.Extensions.ContainsKey("traceId"));
    }

    [Fact]
    public async Task EveryConnectorTypeIsListedAndAvailable()
    {
        var types = await _client.GetFromJsonAsync<List<ConnectorTypeInfo>>("/api/compliance/connector-types", Json.Options);

        Assert.Equal(12, types!.Count);
        Assert.All(types, t => Assert.True(t.Available, $"{t.Id} is not available"));
        var response = await _client.PostAsJsonAsync("/api/compliance/connectors", new { name = "Badges", type = "PhysicalBadging" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task ASocialConnectorsStorageMailboxBecomesItsMappingAndSurvivesMappingChanges()
    {
        var response = await _client.PostAsJsonAsync("/api/compliance/connectors", new
        {
            name = "Company X account",
            type = "Twitter",
            settings = new { accountId = "2244994945", storageMailbox = "social@contoso.com" },
            credentials = new { bearerToken = "token" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var connector = (await response.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options))!;

        var mapping = await _client.GetFromJsonAsync<global::Connectors.Api.Mapping.MappingSettingsDto>(
            $"/api/compliance/connectors/{connector.Id}/mapping-settings", Json.Options);
        (await _client.PutAsJsonAsync($"/api/compliance/connectors/{connector.Id}/mapping-settings", new { autoMapBy = "email" })).EnsureSuccessStatusCode();
        var after = await _client.GetFromJsonAsync<global::Connectors.Api.Mapping.MappingSettingsDto>(
            $"/api/compliance/connectors/{connector.Id}/mapping-settings", Json.Options);

        Assert.Equal("social@contoso.com", mapping!.StorageMailbox);
        Assert.Equal("social@contoso.com", after!.StorageMailbox);
    }

    [Fact]
    public async Task DisablingAConnectorPausesItAndRunNowIsRefused()
    {
        var id = await CreateAsync("Pausable");
        var update = await _client.PutAsJsonAsync($"/api/compliance/connectors/{id}", new { enabled = false });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        var status = await _client.GetFromJsonAsync<ConnectorStatusDto>($"/api/compliance/connectors/{id}/status", Json.Options);
        Assert.Equal(ConnectorStatus.Paused, status!.Status);
        Assert.Equal(HttpStatusCode.Conflict, (await _client.PostAsync($"/api/compliance/connectors/{id}/run", null)).StatusCode);
    }

    [Fact]
    public async Task RunNowMarksTheConnectorForAnImmediateRun()
    {
        var id = await CreateAsync("Run me");
        var response = await _client.PostAsync($"/api/compliance/connectors/{id}/run", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await using var db = _api.CreateDbContext();
        var connector = await db.Connectors.SingleAsync(c => c.Id == id);
        Assert.NotNull(connector.RunRequestedAt);
        Assert.Equal(RunTrigger.Manual, connector.RequestedTrigger);
    }

    [Fact]
    public async Task DeletingAConnectorRemovesItsConfigurationButKeepsItsHistory()
    {
        var id = await CreateAsync("Short-lived", credentials: new { token = "s3cr3t" });
        await using var worker = new AsyncHost(WorkerHost.Create(_database, servers.RedisConnectionString));
        await worker.Host.RunOnceAsync(id);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/compliance/connectors/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/compliance/connectors/{id}/status")).StatusCode);
        var list = await _client.GetFromJsonAsync<Page<ConnectorDto>>("/api/compliance/connectors", Json.Options);
        Assert.DoesNotContain(list!.Items, c => c.Id == id);
        var history = await _client.GetFromJsonAsync<Page<RunDto>>($"/api/compliance/connectors/{id}/history", Json.Options);
        Assert.Single(history!.Items);
        await using var db = _api.CreateDbContext();
        var tombstone = await db.Connectors.SingleAsync(c => c.Id == id);
        Assert.Null(tombstone.ProtectedCredentials);
    }

    [Fact]
    public async Task TheConnectorListPagesWithAKeysetCursor()
    {
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateAsync($"Paged {i}"));
        }
        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await _client.GetFromJsonAsync<Page<ConnectorDto>>(
                "/api/compliance/connectors?limit=2" + (cursor is null ? "" : $"&after={cursor}"), Json.Options);
            Assert.True(page!.Items.Count <= 2);
            seen.AddRange(page.Items.Select(c => c.Id));
            cursor = page.Next;
        } while (cursor is not null);

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Subset(seen.ToHashSet(), created.ToHashSet());
        var limitProblem = await _client.GetAsync("/api/compliance/connectors?limit=1000");
        Assert.Equal(HttpStatusCode.BadRequest, limitProblem.StatusCode);
    }

    [Fact]
    public async Task CredentialsAreWriteOnlyEncryptedAtRestAndReadableByTheWorker()
    {
        const string secret = "xoxb-very-secret-token";
        var id = await CreateAsync("With credentials", credentials: new { token = secret });

        var json = await _client.GetStringAsync($"/api/compliance/connectors/{id}");
        Assert.DoesNotContain(secret, json);
        Assert.Contains("\"hasCredentials\":true", json);

        await using var db = _api.CreateDbContext();
        var stored = await db.Connectors.SingleAsync(c => c.Id == id);
        Assert.DoesNotContain(secret, stored.ProtectedCredentials);
        // The key ring in PostgreSQL is itself encrypted with the master key.
        var keyXml = (await db.DataProtectionKeys.ToListAsync()).Select(k => k.Xml).ToList();
        Assert.NotEmpty(keyXml);
        Assert.All(keyXml, xml => Assert.Contains("<encryptedKey", xml));
        Assert.All(keyXml, xml => Assert.DoesNotContain("<masterKey", xml));

        // A separate process configured like the worker decrypts what the Api wrote.
        using var worker = WorkerHost.Create(_database, servers.RedisConnectionString);
        var read = worker.Services.GetRequiredService<CredentialProtector>().Unprotect(stored.ProtectedCredentials!);
        Assert.Equal(secret, JsonDocument.Parse(read).RootElement.GetProperty("token").GetString());

        // The audit trail says credentials were set, never what they are.
        var audit = await db.AuditRecords.Where(a => a.TargetId == id.ToString()).ToListAsync();
        Assert.Contains(audit, a => a.Action == "connector.created");
        Assert.All(audit, a => Assert.DoesNotContain(secret, a.Details ?? ""));
    }

    [Fact]
    public async Task ADatabaseDumpWithoutTheMasterKeyCannotDecryptCredentials()
    {
        var id = await CreateAsync("Dumped", credentials: new { password = "hunter2hunter2" });
        await using var db = _api.CreateDbContext();
        var stored = await db.Connectors.SingleAsync(c => c.Id == id);

        using var thief = WorkerHost.Create(_database, servers.RedisConnectionString, configure: services =>
            services.Configure<CredentialsOptions>(o => o.MasterKey = "a-different-master-key-entirely"));
        var protector = thief.Services.GetRequiredService<CredentialProtector>();
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Unprotect(stored.ProtectedCredentials!));
    }

    [Fact]
    public async Task EveryChangeIsAuditedWithActorClientAddressAndTarget()
    {
        var id = await CreateAsync("Audited");
        await _client.PutAsJsonAsync($"/api/compliance/connectors/{id}", new { name = "Audited (renamed)", credentials = new { token = "t0ken-value" } });
        await _client.DeleteAsync($"/api/compliance/connectors/{id}");

        var audit = await _client.GetFromJsonAsync<Page<Api.Audit.AuditRecordDto>>($"/api/compliance/audit?targetId={id}", Json.Options);
        var actions = audit!.Items.Select(a => a.Action).ToList();
        Assert.Equal(["connector.removed", "connector.credentials-changed", "connector.changed", "connector.created"], actions);
        Assert.All(audit.Items, a => Assert.Equal("admin-api-key", a.Actor));
        Assert.All(audit.Items, a => Assert.Equal(ApiFactory.ClientAddress.ToString(), a.ClientAddress));
        Assert.DoesNotContain("t0ken-value", JsonSerializer.Serialize(audit));
    }

    private async Task<Guid> CreateAsync(string name, object? credentials = null)
    {
        var response = await _client.PostAsJsonAsync("/api/compliance/connectors", new { name, type = "HR", credentials });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options))!.Id;
    }

    private sealed class AsyncHost(Microsoft.Extensions.Hosting.IHost host) : IAsyncDisposable
    {
        public Microsoft.Extensions.Hosting.IHost Host { get; } = host;

        public ValueTask DisposeAsync()
        {
            Host.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Connectors.Archive;
using Connectors.Audit;
using Connectors.Connectors;
using Connectors.Mapping;
using Connectors.Runs;
using Connectors.Security;
using Connectors.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Tests.GovernanceApi;

/// <summary>The real Api on a database of its own, a key for every role, and what the governance API tests seed.</summary>
public abstract class GovernanceApiTestBase(ServersFixture servers, string prefix) : IAsyncLifetime
{
    protected ApiFactory Api { get; private set; } = null!;
    /// <summary>The bootstrap key: a Global Administrator.</summary>
    protected HttpClient Admin { get; private set; } = null!;
    private readonly Dictionary<Role, HttpClient> _clients = [];

    public async Task InitializeAsync()
    {
        Api = new ApiFactory(await servers.CreateDatabaseAsync(prefix), servers.RedisConnectionString);
        Admin = Api.CreateAdminClient();
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values.Append(Admin))
        {
            client.Dispose();
        }
        await Api.DisposeAsync();
    }

    /// <summary>A client with a key of <paramref name="role"/>, named "<paramref name="role"/> key" (actor "apikey:&lt;role&gt; key").</summary>
    protected async Task<HttpClient> As(Role role)
    {
        if (!_clients.TryGetValue(role, out var client))
        {
            client = Api.CreateClient(await Api.IssueKeyAsync(role));
            _clients[role] = client;
        }
        return client;
    }

    protected static string ActorOf(Role role) => $"apikey:{role} key";

    protected static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json.Options))!;
    }

    /// <summary>A ProblemDetails with the status, naming <paramref name="field"/> under errors; returns the field's message.</summary>
    protected static async Task<string> AssertFieldProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Json.Options);
        Assert.True(problem!.Errors.ContainsKey(field), $"Expected an error for '{field}': {body}");
        return problem.Errors[field][0];
    }

    protected static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The audit records of one target, oldest first.</summary>
    protected async Task<List<AuditRecord>> AuditOfAsync(string targetId)
    {
        await using var db = Api.CreateDbContext();
        return await db.AuditRecords.AsNoTracking().Where(a => a.TargetId == targetId).OrderBy(a => a.Seq).ToListAsync();
    }

    protected async Task<Guid> AddConnectorAsync(string type = ConnectorTypes.Slack)
    {
        await using var db = Api.CreateDbContext();
        var connector = new Connector { Name = $"{type} {Guid.NewGuid():N}", Type = type, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        db.Connectors.Add(connector);
        await db.SaveChangesAsync();
        return connector.Id;
    }

    protected async Task<Guid> AddAccountAsync(string email)
    {
        await using var db = Api.CreateDbContext();
        var account = new DirectoryAccount { Email = email, DisplayName = email, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        return account.Id;
    }

    /// <summary>
    /// Archives one Slack message as an import would: its raw content as a blob, then the item (PostgreSQL
    /// computes the content hash; the row can never be changed after).
    /// </summary>
    protected async Task<ArchivedItem> AddItemAsync(Guid connector, string sourceId, string body, DateTimeOffset sentAt, string? conversation = null,
        string senderName = "Alice Example", string senderEmail = "alice@contoso.com")
    {
        await using var db = Api.CreateDbContext();
        var run = await db.Runs.Where(r => r.ConnectorId == connector).FirstOrDefaultAsync();
        if (run is null)
        {
            run = new ImportRun { ConnectorId = connector, Trigger = RunTrigger.Schedule, StartedAt = sentAt, CompletedAt = sentAt, Outcome = RunOutcome.Succeeded };
            db.Runs.Add(run);
        }
        var raw = Encoding.UTF8.GetBytes($$"""{"ts":"{{sourceId}}","text":"{{body}}"}""");
        var sha = Convert.ToHexStringLower(SHA256.HashData(raw));
        if (!await db.Blobs.AnyAsync(b => b.Sha256 == sha))
        {
            db.Blobs.Add(new ContentBlob { Sha256 = sha, Size = raw.Length, Content = raw });
        }
        await db.SaveChangesAsync();
        var item = new ArchivedItem
        {
            ItemKey = ArchivedItem.KeyOf(ConnectorTypes.Slack, "T-CONTOSO", sourceId),
            VersionHash = sha,
            ConnectorId = connector,
            RunId = run.Id,
            SourceType = ConnectorTypes.Slack,
            ItemClass = ArchivedItem.ItemClassOf(ConnectorTypes.Slack),
            SourceAccount = "T-CONTOSO",
            SourceId = sourceId,
            ConversationId = conversation,
            Sender = $$"""{"sourceId":"U-{{sourceId}}","displayName":"{{senderName}}","email":"{{senderEmail}}"}""",
            Recipients = "[]",
            SentAt = sentAt,
            IngestedAt = DateTimeOffset.UtcNow,
            BodyText = body,
            Attachments = "[]",
            RawSha256 = sha,
            RawSize = raw.Length,
        };
        db.Items.Add(item);
        await db.SaveChangesAsync();
        return item;
    }
}

using System.Text.Json;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Data;
using Connectors.Imports;
using Connectors.Mapping;
using Connectors.Sources.Http;
using Connectors.Sources.Social.Facebook;
using Connectors.Sources.Social.LinkedIn;
using Connectors.Sources.Social.X;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Connectors.Tests.Social;

/// <summary>A database, a worker with the social sources, the fake APIs, and the storage mailbox in the directory.</summary>
public sealed class SocialHarness : IAsyncDisposable
{
    public const string StorageMailbox = "social@contoso.com";

    private string _database = "";

    public IHost Worker { get; private set; } = null!;
    public FakeSocialApis Apis { get; private set; } = null!;
    public Guid StorageAccount { get; private set; }
    public Guid OtherAccount { get; private set; }

    public static async Task<SocialHarness> StartAsync(ServersFixture servers, string prefix)
    {
        var harness = new SocialHarness
        {
            _database = await servers.CreateDatabaseAsync(prefix),
            Apis = await FakeSocialApis.StartAsync(),
        };
        harness.Worker = WorkerHost.Create(harness._database, servers.RedisConnectionString, configure: services =>
        {
            services.AddSingleton<IConnectorSource, XSource>();
            services.AddSingleton<IConnectorSource, FacebookSource>();
            services.AddSingleton<IConnectorSource, LinkedInSource>();
            services.Configure<SourceHttpOptions>(o => o.AllowedHosts.Add("127.0.0.1"));
        });
        await using var db = harness.Db();
        harness.StorageAccount = AddAccount(db, StorageMailbox);
        // Someone else in the directory, whose address appears nowhere in social items: nothing must land there.
        harness.OtherAccount = AddAccount(db, "alice@contoso.com");
        await db.SaveChangesAsync();
        return harness;
    }

    public ConnectorsDbContext Db() => new(DataExtensions.CreateOptions(_database));

    private static Guid AddAccount(ConnectorsDbContext db, string email)
    {
        var account = new DirectoryAccount { Email = email, DisplayName = email, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        db.Accounts.Add(account);
        return account.Id;
    }

    /// <summary>A connector as the Api would create it: settings, encrypted credentials, the storage mailbox in its mapping.</summary>
    public async Task<Guid> AddConnectorAsync(string type, object settings, object credentials, TimeSpan? lookback = null)
    {
        var protector = Worker.Services.GetRequiredService<CredentialProtector>();
        await using var db = Db();
        var connector = new Connector
        {
            Name = $"{type} {Guid.NewGuid():N}",
            Type = type,
            Settings = JsonSerializer.Serialize(settings, JsonSerializerOptions.Web),
            ProtectedCredentials = protector.Protect(JsonSerializer.Serialize(credentials, JsonSerializerOptions.Web)),
            Mapping = JsonSerializer.Serialize(new MappingSettings(StorageMailbox: StorageMailbox), IdentityResolver.SettingsJson),
            Lookback = lookback ?? Connector.DefaultLookback,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Connectors.Add(connector);
        await db.SaveChangesAsync();
        return connector.Id;
    }

    /// <summary>The settings as stored must be what the type's settings record reads and validates.</summary>
    public static void AssertValid<T>(T settings, string type) where T : IConnectorSettings =>
        Assert.Empty(settings.Validate(type));

    public async Task<ConnectorStatus> StatusAsync(Guid connectorId)
    {
        await using var db = Db();
        return (await db.Connectors.SingleAsync(c => c.Id == connectorId)).Status;
    }

    /// <summary>Every placement of the connector's items: (account, folder).</summary>
    public async Task<List<(Guid Account, string Folder)>> PlacementsAsync(Guid connectorId)
    {
        await using var db = Db();
        return (await db.Placements.Where(p => p.ConnectorId == connectorId).Select(p => new { p.AccountId, p.Folder }).ToListAsync())
            .Select(p => (p.AccountId, p.Folder)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        Worker.Dispose();
        await Apis.DisposeAsync();
    }
}

using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Governance;
using Connectors.Imports;
using Connectors.Mapping;
using Connectors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Governance;

/// <summary>A database with two accounts, a Slack-typed scripted source, the worker's import runner and its governance loop.</summary>
public sealed class GovernanceHarness : IAsyncDisposable
{
    public static readonly SourceIdentity Alice = ScriptedSource.Person("U-ALICE", "alice@contoso.com");
    public static readonly SourceIdentity Bob = ScriptedSource.Person("U-BOB", "bob@contoso.com");

    public required string Database { get; init; }
    public required IHost Worker { get; init; }
    private ScriptedSource Source { get; init; } = null!;
    public Guid AliceId { get; private set; }
    public Guid BobId { get; private set; }

    public static async Task<GovernanceHarness> CreateAsync(ServersFixture servers, string name)
    {
        var database = await servers.CreateDatabaseAsync(name);
        var source = new ScriptedSource(ConnectorTypes.Slack);
        var worker = WorkerHost.Create(database, servers.RedisConnectionString, configure: s =>
        {
            s.RemoveAll<IConnectorSource>();
            s.AddSingleton<IConnectorSource>(source);
        });
        var harness = new GovernanceHarness { Database = database, Worker = worker, Source = source };
        await using var db = harness.Db();
        harness.AliceId = AddAccount(db, "alice@contoso.com");
        harness.BobId = AddAccount(db, "bob@contoso.com");
        await db.SaveChangesAsync();
        return harness;
    }

    public ConnectorsDbContext Db() => new(DataExtensions.CreateOptions(Database));

    public GovernanceService Governance(TimeProvider? clock = null) => new(Worker.Services.GetRequiredService<IServiceScopeFactory>(),
        Options.Create(new GovernanceOptions { RetentionBatchSize = 2, RetentionMaxBatches = 50, EvaluationBatchSize = 2 }),
        clock ?? TimeProvider.System, NullLogger<GovernanceService>.Instance);

    public async Task<Guid> AddConnectorAsync(MappingSettings? mapping = null)
    {
        await using var db = Db();
        var connector = new Connector
        {
            Name = $"Scripted {Guid.NewGuid():N}",
            Type = ConnectorTypes.Slack,
            Mapping = System.Text.Json.JsonSerializer.Serialize(mapping ?? MappingSettings.Default, IdentityResolver.SettingsJson),
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            NextRunAt = DateTimeOffset.UtcNow,
        };
        db.Connectors.Add(connector);
        await db.SaveChangesAsync();
        return connector.Id;
    }

    /// <summary>Imports <paramref name="items"/> as one batch of a new run.</summary>
    public async Task<Runs.ImportRun> ImportAsync(Guid connector, params SourceItem[] items)
    {
        Source.Batches.Add(new ScriptedBatch($"c{Guid.NewGuid():N}", items));
        return (await Worker.RunOnceAsync(connector))!;
    }

    private static Guid AddAccount(ConnectorsDbContext db, string email)
    {
        var account = new DirectoryAccount { Email = email, DisplayName = email, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        db.Accounts.Add(account);
        return account.Id;
    }

    public ValueTask DisposeAsync()
    {
        Worker.Dispose();
        return ValueTask.CompletedTask;
    }
}

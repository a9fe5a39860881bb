using System.Collections.Concurrent;
using System.Net.Http.Json;
using Connectors.Api.Connectors;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Imports;
using Connectors.Runs;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Connectors.Tests;

/// <summary>Two worker hosts against one PostgreSQL and Redis, as two worker replicas would be.</summary>
[Collection(ServersCollection.Name)]
public sealed class SchedulerTests(ServersFixture servers) : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _database = await servers.CreateDatabaseAsync("sched");
        _api = new ApiFactory(_database, servers.RedisConnectionString);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task TwoWorkersNeverImportOneConnectorAtTheSameTime()
    {
        var probe = new ConcurrencyProbe();
        using var client = _api.CreateAdminClient();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await CreateConnectorAsync(client, $"Concurrent {i}"));
        }
        using var first = StartWorker(probe, "worker-a");
        using var second = StartWorker(probe, "worker-b");
        await first.StartAsync();
        await second.StartAsync();

        // Keep asking for runs while runs are in progress, from both sides' point of view.
        for (var round = 0; round < 6; round++)
        {
            foreach (var id in ids)
            {
                (await client.PostAsync($"/api/compliance/connectors/{id}/run", null)).EnsureSuccessStatusCode();
            }
            await Task.Delay(120);
        }
        await WaitUntilIdleAsync(ids);
        await first.StopAsync();
        await second.StopAsync();

        Assert.Equal(0, probe.Violations);
        Assert.True(probe.Runs >= ids.Count, $"expected every connector to run at least once, saw {probe.Runs} runs");
        await using var db = _api.CreateDbContext();
        foreach (var id in ids)
        {
            var runs = await db.Runs.Where(r => r.ConnectorId == id).OrderBy(r => r.StartedAt).ToListAsync();
            Assert.All(runs, r => Assert.Equal(RunOutcome.NoItems, r.Outcome));
            for (var i = 1; i < runs.Count; i++)
            {
                Assert.True(runs[i].StartedAt >= runs[i - 1].CompletedAt, $"runs {runs[i - 1].Id} and {runs[i].Id} of {id} overlap");
            }
        }
    }

    [Fact]
    public async Task AWorkerWhoseLeaseWasTakenOverCannotCommit()
    {
        using var client = _api.CreateAdminClient();
        var id = await CreateConnectorAsync(client, "Fenced");
        var gate = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        using var stale = WorkerHost.Create(_database, servers.RedisConnectionString, configure: s =>
        {
            s.RemoveAll<IConnectorSource>();
            s.AddSingleton<IConnectorSource>(new MarkerSource(entered, gate.Task));
        });
        using var current = WorkerHost.Create(_database, servers.RedisConnectionString, configure: s =>
        {
            s.RemoveAll<IConnectorSource>();
            s.AddSingleton<IConnectorSource>(new MarkerSource(null, Task.CompletedTask));
        });

        // The first worker starts and stalls (its Redis lock "expired"); a second run takes the connector over.
        var staleRun = stale.RunOnceAsync(id);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var currentRun = await current.RunOnceAsync(id);
        gate.SetResult();
        var abandoned = await staleRun;

        Assert.Equal(RunOutcome.Succeeded, currentRun!.Outcome);
        await using var db = _api.CreateDbContext();
        var staleRecord = await db.Runs.SingleAsync(r => r.Id == abandoned!.Id);
        Assert.Equal(RunOutcome.Failed, staleRecord.Outcome);
        Assert.Contains("took over", staleRecord.Error);
        Assert.Equal(1, await db.AuditRecords.CountAsync(a => a.Action == MarkerSource.MarkerAction && a.TargetId == id.ToString()));
        var connector = await db.Connectors.SingleAsync(c => c.Id == id);
        Assert.Equal(ConnectorStatus.Active, connector.RunStatus);
        Assert.Equal(currentRun.Id, connector.LastRunId);
    }

    [Fact]
    public async Task AFailingConnectorEndsInErrorAndTheOthersKeepImporting()
    {
        using var client = _api.CreateAdminClient();
        var broken = await CreateConnectorAsync(client, "Broken source");
        var healthy = await CreateConnectorAsync(client, "Healthy source");
        using var worker = WorkerHost.Create(_database, servers.RedisConnectionString, withScheduler: true, configure: s =>
        {
            s.RemoveAll<IConnectorSource>();
            s.AddSingleton<IConnectorSource>(new FailingForSource(broken));
        });
        await worker.StartAsync();
        await WaitUntilIdleAsync([broken, healthy]);
        await worker.StopAsync();

        var brokenStatus = await client.GetFromJsonAsync<ConnectorStatusDto>($"/api/compliance/connectors/{broken}/status", Json.Options);
        Assert.Equal(ConnectorStatus.Error, brokenStatus!.Status);
        Assert.Contains("source exploded", brokenStatus.LastError);
        // Never stop capturing on our own: a failed connector is retried soon, not a day later.
        Assert.True(brokenStatus.NextRunAt <= DateTimeOffset.UtcNow + Imports.ImportRunner.RetryDelay(1));
        var brokenRun = Assert.Single((await client.GetFromJsonAsync<Page<RunDto>>($"/api/compliance/connectors/{broken}/history", Json.Options))!.Items);
        Assert.Equal(RunOutcome.Failed, brokenRun.Outcome);

        var healthyStatus = await client.GetFromJsonAsync<ConnectorStatusDto>($"/api/compliance/connectors/{healthy}/status", Json.Options);
        Assert.Equal(ConnectorStatus.Active, healthyStatus!.Status);
    }

    [Fact]
    public async Task ARunLeftOpenByADeadWorkerIsClosedWithAReasonWhenTheNextRunStarts()
    {
        using var client = _api.CreateAdminClient();
        var id = await CreateConnectorAsync(client, "Crashed");
        await using (var db = _api.CreateDbContext())
        {
            db.Runs.Add(new ImportRun { ConnectorId = id, StartedAt = DateTimeOffset.UtcNow.AddMinutes(-5), Trigger = RunTrigger.Schedule, WorkerId = "killed" });
            await db.SaveChangesAsync();
        }
        using var worker = WorkerHost.Create(_database, servers.RedisConnectionString);

        await worker.RunOnceAsync(id);

        var history = (await client.GetFromJsonAsync<Page<RunDto>>($"/api/compliance/connectors/{id}/history", Json.Options))!.Items;
        Assert.Equal(2, history.Count);
        Assert.All(history, r => Assert.NotNull(r.Outcome));
        Assert.Equal(RunOutcome.Failed, history[1].Outcome);
        Assert.Contains("took over", history[1].Error);
    }

    [Fact]
    public async Task StoppingTheWorkerMidRunRecordsTheInterruptionAndAsksForANewRun()
    {
        using var client = _api.CreateAdminClient();
        var id = await CreateConnectorAsync(client, "Interrupted");
        var entered = new TaskCompletionSource();
        using var worker = WorkerHost.Create(_database, servers.RedisConnectionString, configure: s =>
        {
            s.RemoveAll<IConnectorSource>();
            s.AddSingleton<IConnectorSource>(new MarkerSource(entered, Task.Delay(Timeout.Infinite)));
        });
        using var stopping = new CancellationTokenSource();
        await using var scope = worker.Services.CreateAsyncScope();
        var run = scope.ServiceProvider.GetRequiredService<ImportRunner>().RunAsync(id, RunTrigger.Schedule, "stopping-worker", stopping.Token);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        stopping.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        await using var db = _api.CreateDbContext();
        var recorded = await db.Runs.SingleAsync(r => r.ConnectorId == id);
        Assert.Equal(RunOutcome.Failed, recorded.Outcome);
        Assert.Contains("worker stopped", recorded.Error);
        var connector = await db.Connectors.SingleAsync(c => c.Id == id);
        Assert.NotNull(connector.RunRequestedAt);
        Assert.NotEqual(ConnectorStatus.Running, connector.RunStatus);
    }

    /// <summary>Throws for one connector, imports nothing for the others.</summary>
    private sealed class FailingForSource(Guid broken) : IConnectorSource
    {
        public string Type => ConnectorTypes.Hr;

        public Task ImportAsync(ImportContext context, CancellationToken cancellationToken) =>
            context.Connector.Id == broken ? throw new InvalidOperationException("The source exploded.") : Task.CompletedTask;
    }

    private IHost StartWorker(ConcurrencyProbe probe, string workerId) =>
        WorkerHost.Create(_database, servers.RedisConnectionString, withScheduler: true, workerId: workerId, configure: s =>
        {
            s.RemoveAll<IConnectorSource>();
            s.AddSingleton<IConnectorSource>(new SlowSource(probe));
        });

    private static async Task<Guid> CreateConnectorAsync(HttpClient client, string name)
    {
        var response = await client.PostAsJsonAsync("/api/compliance/connectors", new { name, type = "HR", enabled = true });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options))!.Id;
    }

    private async Task WaitUntilIdleAsync(IReadOnlyList<Guid> ids)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            await using var db = _api.CreateDbContext();
            var busy = await db.Connectors.AnyAsync(c => ids.Contains(c.Id) && (c.RunRequestedAt != null || c.RunStatus == ConnectorStatus.Running || c.LastImportAt == null))
                       || await db.Runs.AnyAsync(r => ids.Contains(r.ConnectorId) && r.Outcome == null);
            if (!busy)
            {
                return;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("The workers did not finish the requested runs within 60 s.");
    }

    /// <summary>Counts runs in progress per connector; more than one at a time is a violation.</summary>
    private sealed class ConcurrencyProbe
    {
        private readonly ConcurrentDictionary<Guid, int> _active = new();
        private int _violations;
        private int _runs;

        public int Violations => _violations;
        public int Runs => _runs;

        public IDisposable Enter(Guid connectorId)
        {
            Interlocked.Increment(ref _runs);
            if (_active.AddOrUpdate(connectorId, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref _violations);
            }
            return new Exit(() => _active.AddOrUpdate(connectorId, 0, (_, n) => n - 1));
        }

        private sealed class Exit(Action action) : IDisposable
        {
            public void Dispose() => action();
        }
    }

    /// <summary>A source that takes a while, long enough for a second worker to try the same connector.</summary>
    private sealed class SlowSource(ConcurrencyProbe probe) : IConnectorSource
    {
        public string Type => ConnectorTypes.Hr;

        public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
        {
            using (probe.Enter(context.Connector.Id))
            {
                await Task.Delay(250, cancellationToken);
            }
        }
    }

    /// <summary>Commits one marker row (an audit record) once <paramref name="gate"/> opens.</summary>
    private sealed class MarkerSource(TaskCompletionSource? entered, Task gate) : IConnectorSource
    {
        public const string MarkerAction = "test.marker";

        public string Type => ConnectorTypes.Hr;

        public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
        {
            entered?.SetResult();
            await gate.WaitAsync(cancellationToken);
            context.Counts.ItemsFromSource++;
            context.Counts.ItemsParsed++;
            context.Counts.ItemsForImport++;
            context.Counts.ItemsImported++;
            await context.CommitAsync((_, _, _) =>
            {
                context.Db.AuditRecords.Add(new Audit.AuditRecord
                {
                    At = DateTimeOffset.UtcNow, Actor = "test", Action = MarkerAction, TargetType = "connector", TargetId = context.Connector.Id.ToString(),
                });
                return Task.CompletedTask;
            }, cancellationToken);
        }
    }
}

using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Imports;
using Connectors.Runs;
using Medallion.Threading;
using Medallion.Threading.Redis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Connectors.Scheduling;

public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>How often the database is asked for due connectors when nobody wakes the scheduler.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Runs of different connectors that one worker performs at once.</summary>
    [Range(1, 64)]
    public int MaxConcurrentRuns { get; set; } = 4;

    /// <summary>Identifies this worker in run records; defaults to host name and process id.</summary>
    public string? WorkerId { get; set; }
}

/// <summary>
/// Starts due connectors: on their schedule, on "run now" and on uploads (the Api publishes a wake-up on
/// Redis so those start within a second). A Redis lock per connector keeps two workers from importing one
/// connector at once; it only avoids wasted work — the lease epoch checked at every commit is what keeps
/// the archive correct if a lock silently expires.
/// </summary>
public sealed class ImportScheduler(
    IServiceScopeFactory scopes,
    IConnectionMultiplexer redis,
    IOptions<SchedulerOptions> options,
    TimeProvider clock,
    ILogger<ImportScheduler> logger) : BackgroundService
{
    public static readonly RedisChannel WakeChannel = RedisChannel.Literal("connectors:wake");

    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ConcurrentDictionary<Guid, Task> _running = new();
    private readonly RedisDistributedSynchronizationProvider _locks = new(redis.GetDatabase());
    private readonly string _workerId = options.Value.WorkerId ?? $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await redis.GetSubscriber().SubscribeAsync(WakeChannel, (_, _) => Wake());
        logger.LogInformation("Scheduler {WorkerId} started", _workerId);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StartDueRunsAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or Redis may be briefly away; the next tick tries again.
                logger.LogError(ex, "Scheduler tick failed");
            }
            try
            {
                await _wake.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await Task.WhenAll(_running.Values);
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    private async Task StartDueRunsAsync(CancellationToken stoppingToken)
    {
        var free = options.Value.MaxConcurrentRuns - _running.Count;
        if (free <= 0)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>();
        var types = scope.ServiceProvider.GetServices<IConnectorSource>().Select(s => s.Type).ToList();
        var now = clock.GetUtcNow();
        var due = await db.Connectors.AsNoTracking()
            .Where(c => c.DeletedAt == null && c.Enabled && types.Contains(c.Type)
                        && (c.RunRequestedAt != null || c.NextRunAt <= now || c.RunStatus == ConnectorStatus.Running))
            .OrderBy(c => c.RunRequestedAt ?? c.NextRunAt)
            .Select(c => c.Id)
            .Take(options.Value.MaxConcurrentRuns * 4)
            .ToListAsync(stoppingToken);

        foreach (var id in due.Where(id => !_running.ContainsKey(id)).Take(free))
        {
            var run = RunLockedAsync(id, stoppingToken);
            _running[id] = run;
            _ = run.ContinueWith(_ =>
            {
                _running.TryRemove(id, out Task? _);
                Wake(); // a slot is free: look for more work at once
            }, TaskScheduler.Default);
        }
    }

    private async Task RunLockedAsync(Guid connectorId, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await using var handle = await _locks.TryAcquireLockAsync($"connectors:run:{connectorId}", TimeSpan.Zero, stoppingToken);
            if (handle is null)
            {
                return; // another worker is importing this connector
            }
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>();
            var now = clock.GetUtcNow();
            // Re-check under the lock: another worker may have just run it. A connector still "Running" while
            // we hold its lock was left by a worker that died: run it now so nothing waits for the next schedule.
            var trigger = await db.Connectors.AsNoTracking()
                .Where(c => c.Id == connectorId && c.DeletedAt == null && c.Enabled
                            && (c.RunRequestedAt != null || c.NextRunAt <= now || c.RunStatus == ConnectorStatus.Running))
                .Select(c => c.RunStatus == ConnectorStatus.Running ? RunTrigger.Recovery
                    : c.RunRequestedAt != null ? c.RequestedTrigger ?? RunTrigger.Manual
                    : RunTrigger.Schedule)
                .Cast<RunTrigger?>()
                .FirstOrDefaultAsync(stoppingToken);
            if (trigger is null)
            {
                return;
            }
            var runner = scope.ServiceProvider.GetRequiredService<ImportRunner>();
            await runner.RunAsync(connectorId, trigger.Value, _workerId, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the run's uncommitted batch is replayed by the next run.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not run connector {ConnectorId}", connectorId);
        }
    }
}

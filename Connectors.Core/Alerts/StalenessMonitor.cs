using System.ComponentModel.DataAnnotations;
using Connectors.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectors.Alerts;

public sealed class AlertingOptions
{
    public const string Section = "Alerts";

    /// <summary>How often connectors are checked for a missing successful run.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StalenessCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Slack added to two expected intervals before a connector counts as stale.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan StalenessGrace { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the webhook outbox is polled.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan DeliveryPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempts before a webhook delivery is abandoned (the alert stays listed in the API).</summary>
    [Range(1, 100)]
    public int MaxDeliveryAttempts { get; set; } = 12;
}

/// <summary>
/// Raises "no successful run within the expected interval" for every enabled connector. It runs in the
/// Api as well as in the Worker, so a dead worker cannot silence it; the database keeps one open alert.
/// </summary>
public sealed class StalenessMonitor(IServiceScopeFactory scopes, IOptions<AlertingOptions> options, TimeProvider clock,
    ILogger<StalenessMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StalenessCheckInterval, clock);
        do
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Staleness check failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>();
        var now = clock.GetUtcNow();
        var connectors = await db.Connectors.AsNoTracking().Where(c => c.DeletedAt == null && c.Enabled).ToListAsync(cancellationToken);
        var raised = 0;
        foreach (var connector in connectors)
        {
            if (Sources.Files.SourceRetention.For(connector, now) is { } retention && retention.AtRisk(now))
            {
                var left = Math.Max(0, retention.DaysLeft);
                await AlertRaiser.RaiseAsync(db, new AlertRaiser.Subject(connector.Id, connector.Name, connector.Type),
                    AlertKind.SourceRetentionAtRisk, left <= 7 ? AlertSeverity.Critical : AlertSeverity.Error,
                    $"{connector.Name} has not completed a run since {retention.CollectedUntil:u}. The source deletes files after " +
                    $"{retention.RetentionDays} days: files not yet collected are lost in {left:0.#} days.",
                    null, now, cancellationToken);
                raised++;
            }
            var next = connector.Schedule.NextAfter(now);
            var expected = next == DateTimeOffset.MaxValue ? TimeSpan.MaxValue : connector.Schedule.NextAfter(next) - next;
            if (expected == TimeSpan.MaxValue)
            {
                continue;
            }
            var since = connector.LastSuccessAt ?? connector.CreatedAt;
            if (now - since <= 2 * expected + options.Value.StalenessGrace)
            {
                continue;
            }
            var what = connector.LastSuccessAt is null ? "has never completed a run" : $"has not completed a run since {since:u}";
            await AlertRaiser.RaiseAsync(db, new AlertRaiser.Subject(connector.Id, connector.Name, connector.Type),
                AlertKind.NoSuccessfulRun, AlertSeverity.Error,
                $"{connector.Name} {what}; it should run every {expected}. Data at the source may be deleted before it is captured.",
                null, now, cancellationToken);
            raised++;
        }
        return raised;
    }
}

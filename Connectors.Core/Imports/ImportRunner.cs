using System.Diagnostics;
using System.Diagnostics.Metrics;
using Connectors.Alerts;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Mapping;
using Connectors.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Connectors.Imports;

/// <summary>
/// Runs one import of one connector: takes a new lease epoch, records the run, lets the source import,
/// checks the accounting equations and leaves the connector's status, counters and next run behind.
/// A failure in one connector ends as a Failed run and an Error status, never as an exception to the host.
/// </summary>
public sealed class ImportRunner(
    ConnectorsDbContext db,
    IEnumerable<IConnectorSource> sources,
    TimeProvider clock,
    ILogger<ImportRunner> logger)
{
    public static readonly ActivitySource ActivitySource = new("Connectors");
    private static readonly Meter Meter = new("Connectors");
    private static readonly Counter<long> ItemsImported = Meter.CreateCounter<long>("connectors.items.imported");
    private static readonly Counter<long> ItemsDuplicate = Meter.CreateCounter<long>("connectors.items.duplicate");
    private static readonly Counter<long> ItemsFailed = Meter.CreateCounter<long>("connectors.items.failed");
    private static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("connectors.run.duration", "s");
    private static readonly Histogram<double> Lag = Meter.CreateHistogram<double>("connectors.import.lag", "s",
        "Now minus the newest sent time of a committed batch: how far behind the source the archive is.");

    internal static void RecordLag(TimeSpan lag, string type) =>
        Lag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("connector.type", type));

    /// <summary>Failed runs in a row that raise the escalating alert.</summary>
    public const int ConsecutiveFailuresAlertThreshold = 3;

    /// <summary>
    /// After a failed run the next attempt comes this soon (or sooner if the schedule says so): one minute,
    /// doubling with each failure in a row, at most an hour. Never stop capturing on our own: sources delete data.
    /// </summary>
    public static TimeSpan RetryDelay(int consecutiveFailures) =>
        TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Clamp(consecutiveFailures - 1, 0, 6))));

    /// <returns>The finished run, or null when the connector is gone, disabled or has no source yet.</returns>
    public async Task<ImportRun?> RunAsync(Guid connectorId, RunTrigger trigger, string workerId, CancellationToken cancellationToken)
    {
        var connector = await db.Connectors.FirstOrDefaultAsync(c => c.Id == connectorId && c.DeletedAt == null && c.Enabled, cancellationToken);
        var source = connector is null ? null : sources.FirstOrDefault(s => s.Type == connector.Type);
        if (connector is null || source is null)
        {
            return null;
        }

        using var activity = ActivitySource.StartActivity("Import run");
        activity?.SetTag("connector.id", connector.Id);
        activity?.SetTag("connector.type", connector.Type);
        var previousStatus = connector.RunStatus;
        var run = await StartAsync(connector, trigger, workerId, cancellationToken);
        activity?.SetTag("run.id", run.Id);
        var context = new ImportContext(db, connector, run, clock);
        var started = Stopwatch.GetTimestamp();
        try
        {
            context.Cursor = await db.Cursors.AsNoTracking().Where(c => c.ConnectorId == connector.Id).Select(c => c.Value)
                .FirstOrDefaultAsync(cancellationToken);
            // Items waiting for a mapping go first: a mapping added since the last run releases them.
            await QuarantineReleaser.ReleaseAsync(context, cancellationToken);
            await source.ImportAsync(context, cancellationToken);
            await FinishAsync(context, error: null, CancellationToken.None);
        }
        catch (StaleLeaseException ex)
        {
            // A newer run owns the connector now; record our run's end without touching the connector.
            logger.LogWarning(ex, "Run {RunId} of connector {ConnectorId} lost its lease", run.Id, connector.Id);
            await AbandonAsync(run.Id, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The worker is stopping: say so on the run and ask for a new run, which replays what was not committed.
            await InterruptAsync(run, previousStatus);
            throw;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Run {RunId} of connector {ConnectorId} failed", run.Id, connector.Id);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            await FinishAsync(context, ex, CancellationToken.None);
        }
        RunDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("connector.type", connector.Type));
        return run;
    }

    private async Task<ImportRun> StartAsync(Connector connector, RunTrigger trigger, string workerId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The new epoch fences off any older run of this connector that still believes it holds the lock.
        var epoch = (await db.Database
            .SqlQuery<long>($"UPDATE connectors SET lease_epoch = lease_epoch + 1 WHERE id = {connector.Id} RETURNING lease_epoch AS \"Value\"")
            .ToListAsync(cancellationToken)).Single();
        await db.Entry(connector).ReloadAsync(cancellationToken);
        // A run still open now belongs to a worker that died (we hold the lock and the newest epoch).
        await db.Runs.Where(r => r.ConnectorId == connector.Id && r.Outcome == null).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Outcome, RunOutcome.Failed)
            .SetProperty(r => r.CompletedAt, now)
            .SetProperty(r => r.Error, "A newer run took over before this run finished (its worker stopped or lost its lease); the newer run replayed what this one had not committed."),
            cancellationToken);
        var run = new ImportRun
        {
            ConnectorId = connector.Id,
            Trigger = trigger,
            StartedAt = now,
            LeaseEpoch = epoch,
            WorkerId = workerId,
        };
        db.Runs.Add(run);
        connector.RunStatus = ConnectorStatus.Running;
        connector.RunRequestedAt = null;
        connector.RequestedTrigger = null;
        connector.NextRunAt = connector.Schedule.NextAfter(now);
        await db.SaveChangesAsync(cancellationToken);
        connector.LastRunId = run.Id;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return run;
    }

    private async Task FinishAsync(ImportContext context, Exception? error, CancellationToken cancellationToken)
    {
        var run = context.Run;
        var now = clock.GetUtcNow();
        var imbalances = run.Counts.Imbalances();
        run.CompletedAt = now;
        run.Outcome = error is not null || imbalances.Count > 0 ? RunOutcome.Failed
            : run.Counts.ItemsFailed > 0 || run.Counts.ItemsPartiallyImported > 0 ? RunOutcome.Partial
            : run.Counts.ItemsForImport == 0 ? RunOutcome.NoItems
            : RunOutcome.Succeeded;
        run.Error = error is not null ? Truncate(error.Message)
            : imbalances.Count > 0 ? Truncate("The run's counts do not add up: " + string.Join("; ", imbalances))
            : null;

        var pendingFailures = context.TakePendingFailures();
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Read the connector fresh and locked: the epoch decides whether this run may still write to it.
        var connector = await db.Connectors
            .FromSql($"SELECT * FROM connectors WHERE id = {run.ConnectorId} FOR UPDATE")
            .ToListAsync(cancellationToken) is [var locked] ? locked : throw new InvalidOperationException($"Connector {run.ConnectorId} is gone.");
        if (connector.LeaseEpoch != run.LeaseEpoch)
        {
            await transaction.RollbackAsync(cancellationToken);
            await AbandonAsync(run.Id, "A newer run took over the connector before this one finished.");
            return;
        }
        db.Runs.Update(run);
        db.Failures.AddRange(pendingFailures);
        // Warning while anything this connector read sits in no mailbox (or, for signals, with nobody) for want of a
        // mapping. Unmapped participants of items that were placed (external people) are listed, not warned about.
        var waitingForMapping = await db.Quarantine.AnyAsync(q => q.ConnectorId == connector.Id && q.ReleasedAt == null, cancellationToken)
            || await db.HrSignals.AnyAsync(s => s.ConnectorId == connector.Id && s.AccountId == null, cancellationToken);
        connector.LastImportAt = now;
        connector.ItemsImported += run.Counts.ItemsImported + run.Counts.ItemsPartiallyImported;
        connector.LastRunErrors = (int)Math.Min(int.MaxValue, run.Counts.ItemsFailed);
        connector.LastError = run.Error
            ?? (run.Counts.ItemsFailed > 0 ? $"{run.Counts.ItemsFailed} item(s) failed in the last run."
            : waitingForMapping ? "Items are waiting in quarantine for their people to be mapped." : null);
        connector.RunStatus = run.Outcome switch
        {
            RunOutcome.Failed when error is SourceAuthenticationException => ConnectorStatus.NeedsReauth,
            RunOutcome.Failed => ConnectorStatus.Error,
            RunOutcome.Partial => ConnectorStatus.Warning,
            // Items waiting in quarantine for a mapping are a warning until someone maps their people.
            _ when waitingForMapping => ConnectorStatus.Warning,
            _ => ConnectorStatus.Active,
        };
        if (run.Outcome == RunOutcome.Failed)
        {
            connector.ConsecutiveFailures++;
            var retry = now + RetryDelay(connector.ConsecutiveFailures);
            if (connector.NextRunAt is null || connector.NextRunAt > retry)
            {
                connector.NextRunAt = retry;
            }
        }
        else
        {
            connector.ConsecutiveFailures = 0;
            connector.LastSuccessAt = now;
        }
        await RaiseAlertsAsync(connector, run, error, imbalances, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var type = new KeyValuePair<string, object?>("connector.type", connector.Type);
        ItemsImported.Add(run.Counts.ItemsImported, type);
        ItemsDuplicate.Add(run.Counts.ItemsSkippedDuplicate, type);
        ItemsFailed.Add(run.Counts.ItemsFailed, type);
        logger.LogInformation("Run {RunId} of connector {ConnectorId} ended {Outcome}: {Imported} imported, {Duplicates} duplicates, {Failed} failed",
            run.Id, connector.Id, run.Outcome, run.Counts.ItemsImported, run.Counts.ItemsSkippedDuplicate, run.Counts.ItemsFailed);
    }

    /// <summary>The alerts a finished run raises or resolves, in the run's own transaction.</summary>
    private async Task RaiseAlertsAsync(Connector connector, ImportRun run, Exception? error, IReadOnlyList<string> imbalances,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var subject = new AlertRaiser.Subject(connector.Id, connector.Name, connector.Type);
        Task Raise(AlertKind kind, AlertSeverity severity, string reason) =>
            AlertRaiser.RaiseAsync(db, subject, kind, severity, reason, run.Id, now, cancellationToken);

        if (run.Outcome == RunOutcome.Failed)
        {
            await Raise(AlertKind.RunFailed, AlertSeverity.Error, $"Run {run.Id} of {connector.Name} failed: {run.Error}");
            if (connector.ConsecutiveFailures >= ConsecutiveFailuresAlertThreshold)
            {
                await Raise(AlertKind.ConsecutiveFailures, AlertSeverity.Critical,
                    $"{connector.Name} has failed {connector.ConsecutiveFailures} runs in a row; nothing is being captured. Last error: {run.Error}");
            }
            if (error is SourceAuthenticationException)
            {
                await Raise(AlertKind.CredentialsRejected, AlertSeverity.Critical, $"The source rejected the credentials of {connector.Name}: {error.Message}");
            }
            if (imbalances.Count > 0)
            {
                await Raise(AlertKind.AccountingMismatch, AlertSeverity.Critical, $"Run {run.Id} of {connector.Name}: {string.Join("; ", imbalances)}");
            }
            return;
        }

        await AlertRaiser.ResolveAsync(db, connector.Id,
            [AlertKind.RunFailed, AlertKind.ConsecutiveFailures, AlertKind.CredentialsRejected, AlertKind.NoSuccessfulRun, AlertKind.SourceRetentionAtRisk],
            $"system: run {run.Id} completed", now, cancellationToken, exceptRunId: run.Id);
        if (run.Reconciliation == ReconciliationResult.Mismatch)
        {
            await Raise(AlertKind.ReconciliationMismatch, AlertSeverity.Error,
                $"Run {run.Id} of {connector.Name} does not match the source's control totals: {run.ReconciliationDetail}");
        }
        if (run.Outcome == RunOutcome.Partial)
        {
            await Raise(AlertKind.RunPartial, AlertSeverity.Warning,
                $"Run {run.Id} of {connector.Name}: {run.Counts.ItemsFailed} item(s) failed, {run.Counts.ItemsPartiallyImported} partially imported.");
        }
        if (run.Counts.ItemsQuarantined > 0)
        {
            await Raise(AlertKind.UnmappedIdentities, AlertSeverity.Warning,
                $"Run {run.Id} of {connector.Name} quarantined {run.Counts.ItemsQuarantined} item(s) whose people are not mapped; see the connector's unmapped identities.");
        }
        if (run.Outcome == RunOutcome.NoItems)
        {
            // Silence is only suspicious when the source usually has something to say.
            var recent = await db.Runs.AsNoTracking()
                .Where(r => r.ConnectorId == connector.Id && r.Id != run.Id && r.Outcome != null && r.Outcome != RunOutcome.Failed)
                .OrderByDescending(r => r.Id).Take(5).Select(r => r.Counts.ItemsFromSource).ToListAsync(cancellationToken);
            if (recent.Count >= 3 && recent.Average() >= ZeroItemsVolumeThreshold)
            {
                await Raise(AlertKind.ZeroItems, AlertSeverity.Warning,
                    $"Run {run.Id} of {connector.Name} found no items, while the last {recent.Count} runs averaged {recent.Average():0} items.");
            }
        }
    }

    /// <summary>Average items per run above which an empty run raises the zero-items alert.</summary>
    public const int ZeroItemsVolumeThreshold = 10;

    private async Task InterruptAsync(ImportRun run, ConnectorStatus previousStatus)
    {
        await AbandonAsync(run.Id, "The worker stopped before this run finished; a new run was requested to replay what it had not committed.");
        var now = clock.GetUtcNow();
        await db.Connectors.Where(c => c.Id == run.ConnectorId && c.LeaseEpoch == run.LeaseEpoch).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.RunStatus, previousStatus == ConnectorStatus.Running ? ConnectorStatus.Active : previousStatus)
            .SetProperty(c => c.RunRequestedAt, now));
    }

    /// <summary>Ends a run that lost its lease: its own row says so; the connector belongs to the newer run.</summary>
    private async Task AbandonAsync(long runId, string reason)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetUtcNow();
        await db.Runs.Where(r => r.Id == runId && r.Outcome == null).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Outcome, RunOutcome.Failed)
            .SetProperty(r => r.CompletedAt, now)
            .SetProperty(r => r.Error, Truncate(reason)));
    }

    private static string Truncate(string text) => text.Length <= 4000 ? text : text[..4000];
}

using System.ComponentModel.DataAnnotations;
using Connectors.Alerts;
using Connectors.Data;
using Connectors.Governance.Integrity;
using Connectors.Governance.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectors.Governance;

public sealed class GovernanceOptions
{
    public const string Section = "Governance";

    /// <summary>How often queued integrity checks and policy evaluations are picked up.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the retention sweeper runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    [Range(1, 10_000)]
    public int RetentionBatchSize { get; set; } = 500;

    /// <summary>Batches per sweep pass; the next pass goes on where this one stopped.</summary>
    [Range(1, 10_000)]
    public int RetentionMaxBatches { get; set; } = 100;

    /// <summary>How often an integrity check is scheduled (on top of those requested through the API).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan IntegrityCheckInterval { get; set; } = TimeSpan.FromDays(1);

    [Range(1, 10_000)]
    public int EvaluationBatchSize { get; set; } = 500;

    /// <summary>How often HR, badging, DLP and volume signals are correlated into insider-risk alerts.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan InsiderRiskInterval { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// The worker's governance loop: integrity checks (scheduled and requested), policy re-evaluations, and the
/// retention sweeper. Jobs are claimed in PostgreSQL (one worker per job, whatever the replicas).
/// </summary>
public sealed class GovernanceService(IServiceScopeFactory scopes, IOptions<GovernanceOptions> options, TimeProvider clock,
    ILogger<GovernanceService> logger, IOptions<InsiderRisk.InsiderRiskSettings>? insiderRisk = null) : BackgroundService
{
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;
    private SweepCursor? _sweepCursor;
    private DateTimeOffset _nextCorrelation = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        do
        {
            await Step("integrity checks", RunIntegrityChecksAsync, stoppingToken);
            await Step("policy evaluations", RunEvaluationsAsync, stoppingToken);
            if (clock.GetUtcNow() >= _nextCorrelation)
            {
                await Step("insider-risk correlation", CorrelateAsync, stoppingToken);
                _nextCorrelation = clock.GetUtcNow() + options.Value.InsiderRiskInterval;
            }
            if (clock.GetUtcNow() >= _nextSweep)
            {
                await Step("retention sweep", SweepAsync, stoppingToken);
                _nextSweep = clock.GetUtcNow() + options.Value.RetentionSweepInterval;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task Step(string what, Func<ConnectorsDbContext, CancellationToken, Task> step, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await step(scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>(), stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Governance step {Step} failed", what);
        }
    }

    /// <summary>Queues the scheduled check when none ran within the interval, then runs every queued check.</summary>
    public async Task RunIntegrityChecksAsync(ConnectorsDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var since = now - options.Value.IntegrityCheckInterval;
        if (!await db.IntegrityChecks.AnyAsync(c => c.RequestedAt > since, cancellationToken))
        {
            db.IntegrityChecks.Add(new IntegrityCheck { RequestedBy = "scheduler", RequestedAt = now, Status = IntegrityCheckStatus.Queued });
            await db.SaveChangesAsync(cancellationToken);
        }
        while (await ClaimAsync(db, "integrity_checks", "status = 'Running', started_at = now()", cancellationToken) is { } id)
        {
            var check = await db.IntegrityChecks.SingleAsync(c => c.Id == id, cancellationToken);
            try
            {
                await IntegrityVerifier.RunAsync(db, check, clock, cancellationToken);
                logger.LogInformation("Integrity check {Check}: {Status}, {Items} items, {Blobs} blobs, {Audit} audit records, {Problems} problems",
                    check.Id, check.Status, check.ItemsChecked, check.BlobsChecked, check.AuditRecordsChecked, check.ProblemCount);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutting down: the check starts again (from the beginning) on the next worker.
                await db.IntegrityChecks.Where(c => c.Id == check.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, IntegrityCheckStatus.Queued),
                    CancellationToken.None);
                throw;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                db.ChangeTracker.Clear();
                await db.IntegrityChecks.Where(c => c.Id == check.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, IntegrityCheckStatus.Error)
                    .SetProperty(c => c.Error, ex.Message).SetProperty(c => c.FinishedAt, clock.GetUtcNow()), cancellationToken);
                throw;
            }
        }
    }

    public async Task RunEvaluationsAsync(ConnectorsDbContext db, CancellationToken cancellationToken)
    {
        while (await ClaimAsync(db, "policy_evaluations", "status = 'Running'", cancellationToken) is { } id)
        {
            var evaluation = await db.PolicyEvaluations.SingleAsync(e => e.Id == id, cancellationToken);
            try
            {
                await PolicyEvaluationRunner.RunAsync(db, evaluation, options.Value.EvaluationBatchSize, clock, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutting down: the evaluation resumes after its last committed batch on the next worker.
                await db.PolicyEvaluations.Where(e => e.Id == evaluation.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EvaluationStatus.Queued),
                    CancellationToken.None);
                throw;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                db.ChangeTracker.Clear();
                await db.PolicyEvaluations.Where(e => e.Id == evaluation.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EvaluationStatus.Failed)
                    .SetProperty(e => e.Error, ex.Message).SetProperty(e => e.FinishedAt, clock.GetUtcNow()), cancellationToken);
                throw;
            }
        }
    }

    public async Task CorrelateAsync(ConnectorsDbContext db, CancellationToken cancellationToken)
    {
        var (opened, updated) = await InsiderRisk.InsiderRiskEvaluation.RunAsync(db, insiderRisk?.Value ?? InsiderRisk.InsiderRiskSettings.Default, clock.GetUtcNow(),
            cancellationToken);
        logger.LogInformation("Insider-risk correlation: {Opened} alerts opened, {Updated} updated", opened, updated);
    }

    public async Task SweepAsync(ConnectorsDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            var result = await RetentionSweeper.SweepAsync(db, clock.GetUtcNow(), options.Value.RetentionBatchSize, options.Value.RetentionMaxBatches,
                cancellationToken, _sweepCursor);
            _sweepCursor = result.Next;
            logger.LogInformation("Retention sweep: {Examined} examined, {Deleted} deleted, {Reviewed} sent to review, {Kept} kept, {Skipped} skipped",
                result.Examined, result.Deleted, result.SentToReview, result.Kept, result.Skipped.Count);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            db.ChangeTracker.Clear();
            await AlertRaiser.RaiseAsync(db, new AlertRaiser.Subject(null, null, null), AlertKind.RetentionSweepFailed, AlertSeverity.Error,
                $"The retention sweeper failed: {ex.Message}", null, clock.GetUtcNow(), cancellationToken);
            throw;
        }
    }

    /// <summary>Takes the oldest waiting job of a table; SKIP LOCKED lets concurrent workers take different ones.</summary>
    private static async Task<long?> ClaimAsync(ConnectorsDbContext db, string table, string running, CancellationToken cancellationToken)
    {
        // A job still "Running" whose heartbeat stopped (its worker died) is taken over.
        var sql = $"""
            UPDATE {table} SET {running}, heartbeat_at = now() WHERE id = (
                SELECT id FROM {table}
                WHERE status = 'Queued' OR (status = 'Running' AND coalesce(heartbeat_at, '-infinity') < now() - interval '10 minutes')
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """;
        var claimed = await db.Database.SqlQueryRaw<long>(sql).ToListAsync(cancellationToken);
        return claimed.Count == 0 ? null : claimed[0];
    }
}

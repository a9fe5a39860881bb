using Connectors.Audit;
using Connectors.Data;

namespace Connectors.Governance.Integrity;

public static class IntegrityRequests
{
    /// <summary>Queues a check for the worker (audited); the caller follows it by id.</summary>
    public static async Task<IntegrityCheck> RequestAsync(ConnectorsDbContext db, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var check = new IntegrityCheck { RequestedBy = actor.Name, RequestedAt = clock.GetUtcNow(), Status = IntegrityCheckStatus.Queued };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.IntegrityChecks.Add(check);
        await db.SaveChangesAsync(cancellationToken);
        db.Record(actor, AuditActions.IntegrityCheckRequested, "integrity-check", check.Id.ToString(), clock: clock);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return check;
    }
}

using Connectors.Audit;
using Connectors.Data;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Governance;

public static class PolicyEvaluations
{
    /// <summary>
    /// Queues a re-run of a DLP or supervision policy over everything archived (audited). A policy with a run
    /// already queued or running gets that run back instead of a second one.
    /// </summary>
    public static async Task<PolicyEvaluation> RequestAsync(ConnectorsDbContext db, PolicyKind kind, Guid policyId, Actor actor,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var pending = await db.PolicyEvaluations.FirstOrDefaultAsync(e => e.PolicyId == policyId
            && (e.Status == EvaluationStatus.Queued || e.Status == EvaluationStatus.Running), cancellationToken);
        if (pending is not null)
        {
            return pending;
        }
        var evaluation = new PolicyEvaluation
        {
            Kind = kind, PolicyId = policyId, RequestedBy = actor.Name, RequestedAt = clock.GetUtcNow(), Status = EvaluationStatus.Queued,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.PolicyEvaluations.Add(evaluation);
        await db.SaveChangesAsync(cancellationToken);
        db.Record(actor, AuditActions.PolicyEvaluationRequested, kind == PolicyKind.Dlp ? "dlp-policy" : "supervision-policy",
            policyId.ToString(), new { evaluationId = evaluation.Id }, clock);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return evaluation;
    }
}

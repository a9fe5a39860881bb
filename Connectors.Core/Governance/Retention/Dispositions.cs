using Connectors.Audit;
using Connectors.Data;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Governance.Retention;

/// <summary>A reviewer's decision on an item whose retention ended under a review policy, audited with it.</summary>
public static class Dispositions
{
    /// <summary>
    /// Approve (the sweeper deletes it on its next pass, unless a hold came since) or retain (until a date, or
    /// for good). Returns null when the item has no review, or an error when it was already decided.
    /// </summary>
    public static async Task<(DispositionReview? Review, string? Error)> DecideAsync(ConnectorsDbContext db, long itemId, bool approve,
        DateTimeOffset? retainUntil, string? notes, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var review = await db.DispositionReviews.SingleOrDefaultAsync(r => r.ItemId == itemId, cancellationToken);
        if (review is null)
        {
            return (null, null);
        }
        if (review.State != DispositionState.Pending)
        {
            return (review, $"Item {itemId} was already decided ({review.State}) by {review.DecidedBy} on {review.DecidedAt:u}.");
        }
        if (notes is { Length: > 2000 })
        {
            return (review, "Notes are limited to 2000 characters.");
        }
        var now = clock.GetUtcNow();
        if (!approve && retainUntil is { } until && until <= now)
        {
            return (review, "Retain until must be in the future.");
        }
        review.State = approve ? DispositionState.Approved : DispositionState.Retained;
        (review.DecidedAt, review.DecidedBy, review.Notes) = (now, actor.Name, notes?.Trim());
        review.RetainUntil = approve ? null : retainUntil?.ToUniversalTime();
        db.Record(actor, AuditActions.DispositionDecided, "archive-item", itemId.ToString(),
            new { decision = review.State, review.PolicyId, review.RetainUntil, notes = review.Notes }, clock);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (review, $"Item {itemId} was decided by someone else meanwhile.");
        }
        return (review, null);
    }
}

using Connectors.Audit;
using Connectors.Data;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Governance.Supervision;

/// <summary>
/// A reviewer's action on a flagged item: the state change, the action record (who, when, what, notes) and
/// the audit-trail entry are saved together. Closed items can only be commented on or re-opened by escalation.
/// </summary>
public static class ReviewDecisions
{
    public const int MaxNotesLength = 4000;

    /// <summary>The state an action leads to from <paramref name="current"/>, or why it is not allowed.</summary>
    public static (ReviewState? To, string? Error) Transition(ReviewState current, ReviewActionKind action) => (current, action) switch
    {
        (_, ReviewActionKind.Comment) => (current, null),
        (ReviewState.Pending or ReviewState.Escalated, ReviewActionKind.Resolve) => (ReviewState.Resolved, null),
        (ReviewState.Pending or ReviewState.Escalated, ReviewActionKind.FalsePositive) => (ReviewState.FalsePositive, null),
        (ReviewState.Escalated, ReviewActionKind.Escalate) => (null, "The item is already escalated."),
        (_, ReviewActionKind.Escalate) => (ReviewState.Escalated, null),
        _ => (null, $"An item that is {current} cannot be marked {action}; escalate it to re-open it."),
    };

    /// <summary>Applies the action; returns the record, or an error for the caller to report (nothing saved).</summary>
    public static async Task<(ReviewAction? Action, string? Error)> ApplyAsync(ConnectorsDbContext db, long reviewItemId,
        ReviewActionKind kind, string? notes, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (notes is { Length: > MaxNotesLength })
        {
            return (null, $"Notes are limited to {MaxNotesLength} characters.");
        }
        if (kind == ReviewActionKind.Comment && string.IsNullOrWhiteSpace(notes))
        {
            return (null, "A comment needs notes.");
        }
        var item = await db.ReviewItems.SingleOrDefaultAsync(r => r.Id == reviewItemId, cancellationToken);
        if (item is null)
        {
            return (null, null);
        }
        var (to, error) = Transition(item.State, kind);
        if (to is not { } next)
        {
            return (null, error);
        }
        var now = clock.GetUtcNow();
        var action = new ReviewAction
        {
            ReviewItemId = item.Id, Action = kind, FromState = item.State, ToState = next, Reviewer = actor.Name, At = now,
            Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim(),
        };
        db.ReviewActions.Add(action);
        (item.State, item.UpdatedAt) = (next, now);
        db.Record(actor, AuditActions.ReviewAction, "review-item", item.Id.ToString(),
            new { itemId = item.ItemId, policyId = item.PolicyId, action = kind, from = action.FromState, to = next, notes = action.Notes }, clock);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (null, "Another reviewer acted on this item meanwhile; reload it to see their action.");
        }
        return (action, null);
    }
}

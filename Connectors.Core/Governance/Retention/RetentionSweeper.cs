using Connectors.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Governance.Retention;

/// <summary>What one sweep pass did.</summary>
public sealed record SweepResult(int Examined, int Deleted, int SentToReview, int Kept, IReadOnlyList<string> Skipped);

/// <summary>
/// Applies retention: items whose deciding policy has expired are deleted through <c>purge_archive_item</c>
/// (which refuses held items and items pending review, and audits each deletion in the same transaction) or
/// sent to disposition review. Bounded batches, one transaction each.
/// </summary>
public static class RetentionSweeper
{
    public const string Actor = "retention-sweeper";

    public static async Task<SweepResult> SweepAsync(ConnectorsDbContext db, DateTimeOffset now, int batchSize, int maxBatches,
        CancellationToken cancellationToken)
    {
        var policies = await db.RetentionPolicies.AsNoTracking().Where(p => p.Enabled).ToListAsync(cancellationToken);
        int examined = 0, deleted = 0, reviewed = 0, kept = 0;
        var skipped = new List<string>();
        deleted += await PurgeApprovedAsync(db, batchSize, skipped, cancellationToken);
        await ReopenLapsedRetainsAsync(db, now, cancellationToken);
        var actionable = policies.Where(p => p.Action != RetentionAction.RetainOnly).ToList();
        if (actionable.Count == 0)
        {
            return new SweepResult(0, deleted, 0, 0, skipped);
        }
        // No item younger than the shortest actionable period can have expired.
        var oldest = now - actionable.Min(p => p.RetainFor);
        var cursor = (SentAt: DateTimeOffset.MinValue, Id: 0L);
        for (var batch = 0; batch < maxBatches; batch++)
        {
            var candidates = await db.Items.AsNoTracking()
                .Where(i => i.SentAt < oldest && (i.SentAt > cursor.SentAt || (i.SentAt == cursor.SentAt && i.Id > cursor.Id)))
                .Where(i => !db.DispositionReviews.Any(r => r.ItemId == i.Id))
                .OrderBy(i => i.SentAt).ThenBy(i => i.Id).Take(batchSize)
                .Select(i => new { i.Id, i.SentAt, i.ConnectorId, i.SourceType, i.ItemClass })
                .ToListAsync(cancellationToken);
            if (candidates.Count == 0)
            {
                break;
            }
            cursor = (candidates[^1].SentAt, candidates[^1].Id);
            examined += candidates.Count;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var item in candidates)
            {
                var deciding = RetentionPolicy.Deciding(policies, item.ConnectorId, item.SourceType, item.ItemClass);
                if (deciding is null || item.SentAt + deciding.RetainFor > now || deciding.Action == RetentionAction.RetainOnly)
                {
                    kept++;
                }
                else if (deciding.Action == RetentionAction.DispositionReview)
                {
                    db.DispositionReviews.Add(new DispositionReview
                    {
                        ItemId = item.Id, PolicyId = deciding.Id, DueAt = item.SentAt + deciding.RetainFor, State = DispositionState.Pending, CreatedAt = now,
                    });
                    reviewed++;
                }
                else if (await PurgeAsync(db, item.Id, deciding.Id, cancellationToken) is { } why)
                {
                    skipped.Add($"item {item.Id}: {why}");
                }
                else
                {
                    deleted++;
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return new SweepResult(examined, deleted, reviewed, kept, skipped);
    }

    /// <summary>Deletes one item through the database's purge function; null when deleted, else why not.</summary>
    public static async Task<string?> PurgeAsync(ConnectorsDbContext db, long itemId, Guid policyId, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand("SELECT purge_archive_item(@item, @policy, @actor)", connection);
        command.Parameters.AddWithValue("item", itemId);
        command.Parameters.AddWithValue("policy", policyId);
        command.Parameters.AddWithValue("actor", Actor);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is string why ? why : null;
    }

    /// <summary>Items a reviewer approved for deletion.</summary>
    private static async Task<int> PurgeApprovedAsync(ConnectorsDbContext db, int batchSize, List<string> skipped, CancellationToken cancellationToken)
    {
        var approved = await db.DispositionReviews.AsNoTracking().Where(r => r.State == DispositionState.Approved)
            .OrderBy(r => r.ItemId).Take(batchSize).ToListAsync(cancellationToken);
        var deleted = 0;
        if (approved.Count == 0)
        {
            return 0;
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var review in approved)
        {
            // The approved review itself must not block the purge: it is removed by the purge with the item.
            if (await PurgeAsync(db, review.ItemId, review.PolicyId, cancellationToken) is { } why)
            {
                skipped.Add($"item {review.ItemId}: {why}");
            }
            else
            {
                deleted++;
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>Items a reviewer kept until a date that has passed go back to review.</summary>
    private static Task<int> ReopenLapsedRetainsAsync(ConnectorsDbContext db, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.DispositionReviews.Where(r => r.State == DispositionState.Retained && r.RetainUntil != null && r.RetainUntil <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, DispositionState.Pending).SetProperty(r => r.DecidedAt, (DateTimeOffset?)null)
                .SetProperty(r => r.DecidedBy, (string?)null), cancellationToken);
}

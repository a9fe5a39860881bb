using Connectors.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Governance.Retention;

/// <summary>What one sweep pass did, and where the next pass goes on.</summary>
public sealed record SweepResult(int Examined, int Deleted, int SentToReview, int Kept, IReadOnlyList<string> Skipped, SweepCursor? Next);

/// <summary>The position a pass stopped at (oldest first); null starts from the oldest item.</summary>
public sealed record SweepCursor(DateTimeOffset SentAt, long ItemId);

/// <summary>
/// Applies retention: items whose retention has ended are deleted through <c>purge_archive_item</c> (which
/// refuses held items and items pending review, and audits each deletion) or sent to disposition review.
/// Bounded batches; each deletion is its own short transaction, so holds, reviewers and the audit trail never
/// wait for a whole batch. One sweeper at a time across workers (a PostgreSQL advisory lock).
/// </summary>
public static class RetentionSweeper
{
    public const string Actor = "retention-sweeper";
    private const long LockKey = 4631120172;

    public static async Task<SweepResult> SweepAsync(ConnectorsDbContext db, DateTimeOffset now, int batchSize, int maxBatches,
        CancellationToken cancellationToken, SweepCursor? from = null)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        if (!await ScalarAsync<bool>(db, "SELECT pg_try_advisory_lock(@key)", cancellationToken))
        {
            return new SweepResult(0, 0, 0, 0, ["another sweeper is running"], from);
        }
        try
        {
            return await SweepLockedAsync(db, now, batchSize, maxBatches, from, cancellationToken);
        }
        finally
        {
            await ScalarAsync<bool>(db, "SELECT pg_advisory_unlock(@key)", CancellationToken.None);
        }
    }

    private static async Task<SweepResult> SweepLockedAsync(ConnectorsDbContext db, DateTimeOffset now, int batchSize, int maxBatches,
        SweepCursor? from, CancellationToken cancellationToken)
    {
        var policies = await db.RetentionPolicies.AsNoTracking().Where(p => p.Enabled).ToListAsync(cancellationToken);
        int examined = 0, deleted = 0, reviewed = 0, kept = 0;
        var skipped = new List<string>();
        deleted += await PurgeApprovedAsync(db, batchSize, skipped, cancellationToken);
        await ReopenLapsedRetainsAsync(db, now, cancellationToken);
        if (!policies.Any(p => p.Action != RetentionAction.RetainOnly))
        {
            return new SweepResult(0, deleted, 0, 0, skipped, null);
        }
        // No item younger than the shortest period can have expired (an item is kept at least that long).
        var oldest = now - policies.Min(p => p.RetainFor);
        var cursor = from ?? new SweepCursor(DateTimeOffset.MinValue, 0);
        for (var batch = 0; batch < maxBatches; batch++)
        {
            var (sentAt, afterId) = (cursor.SentAt, cursor.ItemId);
            var candidates = await db.Items.AsNoTracking()
                .Where(i => i.SentAt < oldest && (i.SentAt > sentAt || (i.SentAt == sentAt && i.Id > afterId)))
                .Where(i => !db.DispositionReviews.Any(r => r.ItemId == i.Id))
                .OrderBy(i => i.SentAt).ThenBy(i => i.Id).Take(batchSize)
                .Select(i => new { i.Id, i.SentAt, i.ConnectorId, i.SourceType, i.ItemClass })
                .ToListAsync(cancellationToken);
            if (candidates.Count == 0)
            {
                // The whole archive was examined: the next pass starts again from the oldest item.
                return new SweepResult(examined, deleted, reviewed, kept, skipped, null);
            }
            cursor = new SweepCursor(candidates[^1].SentAt, candidates[^1].Id);
            examined += candidates.Count;
            foreach (var item in candidates)
            {
                var decision = RetentionPolicy.Decide(policies, item.ConnectorId, item.SourceType, item.ItemClass);
                if (decision is null || item.SentAt + decision.RetainFor > now || decision.Action == RetentionAction.RetainOnly)
                {
                    kept++;
                }
                else if (decision.Action == RetentionAction.DispositionReview)
                {
                    db.DispositionReviews.Add(new DispositionReview
                    {
                        ItemId = item.Id, PolicyId = decision.Policy.Id, DueAt = item.SentAt + decision.RetainFor, State = DispositionState.Pending,
                        CreatedAt = now,
                    });
                    reviewed++;
                }
                else if (await PurgeAsync(db, item.Id, decision.Policy.Id, cancellationToken) is { } why)
                {
                    Skip(skipped, $"item {item.Id}: {why}");
                }
                else
                {
                    deleted++;
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
        return new SweepResult(examined, deleted, reviewed, kept, skipped, cursor);
    }

    /// <summary>
    /// Deletes one item through the database's purge function, in a transaction of its own unless the caller
    /// has one; null when deleted, else why not.
    /// </summary>
    public static async Task<string?> PurgeAsync(ConnectorsDbContext db, long itemId, Guid policyId, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await using var command = new NpgsqlCommand("SELECT purge_archive_item(@item, @policy, @actor)", (NpgsqlConnection)db.Database.GetDbConnection());
            command.Parameters.AddWithValue("item", itemId);
            command.Parameters.AddWithValue("policy", policyId);
            command.Parameters.AddWithValue("actor", Actor);
            var result = await command.ExecuteScalarAsync(cancellationToken);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }
            return result as string;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>Items a reviewer approved for deletion, all of them, page by page (held ones are skipped, not retried forever).</summary>
    private static async Task<int> PurgeApprovedAsync(ConnectorsDbContext db, int batchSize, List<string> skipped, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var after = 0L;
        while (true)
        {
            var approved = await db.DispositionReviews.AsNoTracking().Where(r => r.State == DispositionState.Approved && r.ItemId > after)
                .OrderBy(r => r.ItemId).Take(batchSize).ToListAsync(cancellationToken);
            if (approved.Count == 0)
            {
                return deleted;
            }
            after = approved[^1].ItemId;
            foreach (var review in approved)
            {
                if (await PurgeAsync(db, review.ItemId, review.PolicyId, cancellationToken) is { } why)
                {
                    Skip(skipped, $"item {review.ItemId}: {why}");
                }
                else
                {
                    deleted++;
                }
            }
        }
    }

    /// <summary>The first reasons are kept for the log; a held archive can skip millions of items every pass.</summary>
    private static void Skip(List<string> skipped, string reason)
    {
        if (skipped.Count < 100)
        {
            skipped.Add(reason);
        }
    }

    /// <summary>Items a reviewer kept until a date that has passed go back to review.</summary>
    private static Task<int> ReopenLapsedRetainsAsync(ConnectorsDbContext db, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.DispositionReviews.Where(r => r.State == DispositionState.Retained && r.RetainUntil != null && r.RetainUntil <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, DispositionState.Pending).SetProperty(r => r.DecidedAt, (DateTimeOffset?)null)
                .SetProperty(r => r.DecidedBy, (string?)null), cancellationToken);

    private static async Task<T> ScalarAsync<T>(ConnectorsDbContext db, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection());
        command.Parameters.AddWithValue("key", LockKey);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}

using System.Text.Json;
using Connectors.Archive;
using Connectors.Data;
using Connectors.Governance.Dlp;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Governance;

/// <summary>
/// Re-runs one DLP or supervision policy over everything archived, in id order and bounded batches. Each
/// batch's results and the evaluation's progress commit together, so a restarted worker resumes where it was;
/// results already recorded for an item are kept, not duplicated.
/// </summary>
public static class PolicyEvaluationRunner
{
    public static async Task RunAsync(ConnectorsDbContext db, PolicyEvaluation evaluation, int batchSize, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var evaluator = await GovernanceEvaluator.LoadAsync(db, null, null, evaluation.PolicyId, cancellationToken);
        var dlpPolicy = evaluator.DlpPolicies.FirstOrDefault();
        var accountEmails = await db.Accounts.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.Email, cancellationToken);
        var connectors = await db.Connectors.AsNoTracking().ToDictionaryAsync(c => c.Id, c => (c.Name, c.Type), cancellationToken);
        while (!evaluator.IsEmpty)
        {
            var query = db.Items.AsNoTracking().Where(i => i.Id > evaluation.LastItemId);
            if (dlpPolicy is { ConnectorIds.Count: > 0 })
            {
                query = query.Where(i => dlpPolicy.ConnectorIds.Contains(i.ConnectorId));
            }
            var items = await query.OrderBy(i => i.Id).Take(batchSize).ToListAsync(cancellationToken);
            if (items.Count == 0)
            {
                break;
            }
            var ids = items.Select(i => i.Id).ToList();
            var mailboxes = (await db.Placements.AsNoTracking().Where(p => ids.Contains(p.ItemId)).Select(p => new { p.ItemId, p.AccountId })
                .ToListAsync(cancellationToken)).ToLookup(p => p.ItemId, p => p.AccountId);
            var attachments = items.ToDictionary(i => i.Id, i => JsonSerializer.Deserialize<List<ItemAttachment>>(i.Attachments, JsonSerializerOptions.Web) ?? []);
            var texts = await GovernanceEvaluator.AttachmentTextsAsync(db, attachments.Values.SelectMany(a => a), cancellationToken);
            var now = clock.GetUtcNow();
            var result = evaluator.Evaluate(items.Select(i => new ItemText(i.Id, i.ItemKey, i.ConnectorId, i.SourceType, i.Subject,
                GovernanceEvaluator.BodyOf(i.BodyText, i.BodyHtml),
                attachments[i.Id].Where(a => texts.ContainsKey(a.Sha256.ToLowerInvariant())).Select(a => (a.Name, texts[a.Sha256.ToLowerInvariant()])).ToList(),
                Emails(i, mailboxes[i.Id], accountEmails))), null, now);

            // Keep what an earlier run (or the import) already recorded for these items.
            var existingDlp = (await db.DlpMatches.AsNoTracking().Where(m => m.PolicyId == evaluation.PolicyId && ids.Contains(m.ItemId))
                .Select(m => new { m.ItemId, m.InfoType }).ToListAsync(cancellationToken)).Select(m => (m.ItemId, m.InfoType)).ToHashSet();
            var existingReview = (await db.ReviewItems.AsNoTracking().Where(r => r.PolicyId == evaluation.PolicyId && ids.Contains(r.ItemId))
                .Select(r => r.ItemId).ToListAsync(cancellationToken)).ToHashSet();
            result.DlpMatches.RemoveAll(m => existingDlp.Contains((m.ItemId, m.InfoType)));
            result.ReviewItems.RemoveAll(r => existingReview.Contains(r.ItemId));

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var group in result.DlpMatches.GroupBy(m => m.ConnectorId))
            {
                var (name, type) = connectors.GetValueOrDefault(group.Key, ("", ""));
                await evaluator.SaveAsync(db, new EvaluationResult(group.ToList(), []), group.Key, name, type, null, now, cancellationToken);
            }
            db.ReviewItems.AddRange(result.ReviewItems);
            evaluation.ItemsScanned += items.Count;
            evaluation.ItemsMatched += result.ItemsMatched;
            evaluation.LastItemId = items[^1].Id;
            evaluation.HeartbeatAt = now;
            db.PolicyEvaluations.Update(evaluation);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
        evaluation.Status = EvaluationStatus.Completed;
        evaluation.FinishedAt = clock.GetUtcNow();
        db.PolicyEvaluations.Update(evaluation);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static HashSet<string> Emails(ArchivedItem item, IEnumerable<Guid> mailboxes, Dictionary<Guid, string> accountEmails)
    {
        var emails = mailboxes.Select(m => accountEmails.GetValueOrDefault(m)).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sender = JsonSerializer.Deserialize<SourceIdentity>(item.Sender, JsonSerializerOptions.Web);
        var recipients = JsonSerializer.Deserialize<List<SourceIdentity>>(item.Recipients, JsonSerializerOptions.Web) ?? [];
        emails.UnionWith(recipients.Prepend(sender).Select(p => p?.Email).OfType<string>());
        return emails;
    }
}

using System.Text.Json;
using Connectors.Archive;
using Connectors.Data;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Governance.Supervision;

/// <summary>One hit as stored on a review item: the section it was in and its span there.</summary>
public sealed record StoredHit(string Section, string Lexicon, string Term, int Offset, int Length);

/// <summary>A message of the conversation around a flagged item, as a reviewer sees it.</summary>
public sealed record ConversationMessage(long ItemId, DateTimeOffset SentAt, string Sender, string? Subject, string? Body, bool IsFlagged,
    IReadOnlyList<HighlightSegment> BodySegments, IReadOnlyList<HighlightSegment> SubjectSegments);

/// <summary>A flagged item whole, with its hits highlighted and the messages around it in the same conversation.</summary>
public sealed record ReviewItemDetail(ReviewItem Review, string PolicyName, ArchivedItem Item, IReadOnlyList<StoredHit> Hits,
    IReadOnlyList<ConversationMessage> Conversation, IReadOnlyList<ReviewAction> Actions);

public static class ReviewItemViews
{
    public static readonly JsonSerializerOptions HitJson = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<StoredHit> ReadHits(string json) =>
        JsonSerializer.Deserialize<List<StoredHit>>(json, HitJson) ?? [];

    /// <summary>The review item with its conversation: up to <paramref name="around"/> messages before and after it.</summary>
    public static async Task<ReviewItemDetail?> LoadAsync(ConnectorsDbContext db, long reviewItemId, int around, CancellationToken cancellationToken)
    {
        var review = await db.ReviewItems.AsNoTracking().SingleOrDefaultAsync(r => r.Id == reviewItemId, cancellationToken);
        if (review is null)
        {
            return null;
        }
        var item = await db.Items.AsNoTracking().SingleOrDefaultAsync(i => i.Id == review.ItemId, cancellationToken);
        if (item is null)
        {
            return null;
        }
        var policyName = await db.SupervisionPolicies.Where(p => p.Id == review.PolicyId).Select(p => p.Name).SingleOrDefaultAsync(cancellationToken) ?? "";
        var hits = ReadHits(review.Hits);
        var neighbours = new List<ArchivedItem>();
        if (item.ConversationId is { } conversation)
        {
            var same = db.Items.AsNoTracking().Where(i => i.ConversationId == conversation && i.SourceType == item.SourceType
                && i.SourceAccount == item.SourceAccount && i.Id != item.Id);
            neighbours.AddRange(await same.Where(i => i.SentAt <= item.SentAt).OrderByDescending(i => i.SentAt).ThenByDescending(i => i.Id)
                .Take(around).ToListAsync(cancellationToken));
            neighbours.AddRange(await same.Where(i => i.SentAt > item.SentAt).OrderBy(i => i.SentAt).ThenBy(i => i.Id)
                .Take(around).ToListAsync(cancellationToken));
        }
        neighbours.Add(item);
        var conversationView = neighbours.OrderBy(i => i.SentAt).ThenBy(i => i.Id).Select(i => i.Id == item.Id
            ? Message(i, true, hits.Where(h => h.Section == "body").ToList(), hits.Where(h => h.Section == "subject").ToList())
            : Message(i, false, [], [])).ToList();
        var actions = await db.ReviewActions.AsNoTracking().Where(a => a.ReviewItemId == review.Id).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        return new ReviewItemDetail(review, policyName, item, hits, conversationView, actions);
    }

    private static ConversationMessage Message(ArchivedItem item, bool flagged, List<StoredHit> bodyHits, List<StoredHit> subjectHits) =>
        new(item.Id, item.SentAt, SenderName(item.Sender), item.Subject, item.BodyText, flagged,
            Segments(item.BodyText, bodyHits), Segments(item.Subject, subjectHits));

    private static IReadOnlyList<HighlightSegment> Segments(string? text, List<StoredHit> hits) =>
        string.IsNullOrEmpty(text) ? [] : Highlighter.Segments(text, hits.Select(h => new TermHit(h.Lexicon, h.Term, h.Offset, h.Length)).ToList());

    /// <summary>The sender as the source named them: display name, else email, else source id.</summary>
    public static string SenderName(string senderJson)
    {
        var sender = JsonSerializer.Deserialize<SourceIdentity>(senderJson, HitJson);
        return sender?.DisplayName ?? sender?.Email ?? sender?.SourceId ?? "";
    }
}

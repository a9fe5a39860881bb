using Connectors.Data;
using Connectors.Governance.Supervision;
using Connectors.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.Governance.Review;

/// <summary>
/// The communication-compliance review queue: flagged items with the hit marked in a snippet. Compliance Reviewers and
/// Global Administrators only; a Compliance Administrator configures policies but does not read flagged content.
/// </summary>
[Authorize(Policy = Policies.Review)]
public sealed class IndexModel(ConnectorsDbContext db) : PageModel
{
    public const int PageSize = 50;

    /// <summary>Which items the queue shows; the default is everything still open.</summary>
    public enum StateFilter
    {
        Open,
        Pending,
        Escalated,
        Resolved,
        FalsePositive,
        All,
    }

    public IReadOnlyList<QueueRow> Items { get; private set; } = [];
    public StateFilter Filter { get; private set; }
    public long? After { get; private set; }
    public long? NextAfter { get; private set; }

    /// <summary>The filter as a route value: the default is left out so the address stays plain.</summary>
    public StateFilter? StateRoute => Filter == StateFilter.Open ? null : Filter;

    public async Task OnGetAsync(StateFilter? state, long? after, CancellationToken ct)
    {
        Filter = state ?? StateFilter.Open;
        After = after;
        var query = db.ReviewItems.AsNoTracking();
        query = Filter switch
        {
            StateFilter.Open => query.Where(r => r.State == ReviewState.Pending || r.State == ReviewState.Escalated),
            StateFilter.Pending => query.Where(r => r.State == ReviewState.Pending),
            StateFilter.Escalated => query.Where(r => r.State == ReviewState.Escalated),
            StateFilter.Resolved => query.Where(r => r.State == ReviewState.Resolved),
            StateFilter.FalsePositive => query.Where(r => r.State == ReviewState.FalsePositive),
            _ => query,
        };
        if (after is { } cursor)
        {
            query = query.Where(r => r.Id > cursor);
        }
        // Oldest flagged first, as a queue is worked; keyset on the (state, id) index.
        var rows = await (
            from r in query
            join i in db.Items on r.ItemId equals i.Id
            join p in db.SupervisionPolicies on r.PolicyId equals p.Id
            orderby r.Id
            select new { Review = r, PolicyName = p.Name, i.Sender, i.SentAt, i.SourceType, i.Subject, i.BodyText })
            .Take(PageSize + 1).ToListAsync(ct);
        NextAfter = rows.Count > PageSize ? rows[PageSize - 1].Review.Id : null;
        Items = rows.Take(PageSize).Select(r => new QueueRow(r.Review, r.PolicyName, ReviewItemViews.SenderName(r.Sender), r.SentAt, r.SourceType,
            Snippet(r.Review.Hits, r.Subject, r.BodyText))).ToList();
    }

    /// <summary>An excerpt around the first hit of the body (or of the subject when only the subject matched).</summary>
    private static IReadOnlyList<HighlightSegment> Snippet(string hitsJson, string? subject, string? body)
    {
        var hits = ReviewItemViews.ReadHits(hitsJson);
        var bodyHits = hits.Where(h => h.Section == "body").Select(ToTermHit).ToList();
        if (!string.IsNullOrEmpty(body) && (bodyHits.Count > 0 || string.IsNullOrEmpty(subject)))
        {
            return Highlighter.SnippetSegments(body, bodyHits);
        }
        if (!string.IsNullOrEmpty(subject))
        {
            return Highlighter.SnippetSegments(subject, hits.Where(h => h.Section == "subject").Select(ToTermHit).ToList());
        }
        return [];
    }

    private static TermHit ToTermHit(StoredHit hit) => new(hit.Lexicon, hit.Term, hit.Offset, hit.Length);

    public sealed record QueueRow(ReviewItem Review, string PolicyName, string Sender, DateTimeOffset SentAt, string SourceType,
        IReadOnlyList<HighlightSegment> Snippet);
}

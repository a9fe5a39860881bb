using System.ComponentModel;
using System.Text.Json;
using Connectors.Api.Connectors;
using Connectors.Archive;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Governance.Supervision;
using Connectors.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Api.Governance;

/// <summary>A flagged item in the queue. Item fields are null when retention has since deleted the item.</summary>
public sealed record ReviewQueueEntryDto(long Id, Guid PolicyId, string? PolicyName, long ItemId, string? ItemKey, string? SourceType, string? Sender,
    DateTimeOffset? SentAt, ReviewState State, DateTimeOffset FlaggedAt, DateTimeOffset UpdatedAt,
    [property: Description("One line around the first hit.")] string? Snippet,
    IReadOnlyList<string> MatchedTerms);

public sealed record ReviewHitDto(string Section, string Lexicon, string Term, int Offset, int Length)
{
    public static ReviewHitDto From(StoredHit h) => new(h.Section, h.Lexicon, h.Term, h.Offset, h.Length);
}

public sealed record HighlightSegmentDto(string Text, bool IsHit, string? Term)
{
    public static HighlightSegmentDto From(HighlightSegment s) => new(s.Text, s.IsHit, s.Term);
}

public sealed record ConversationMessageDto(long ItemId, DateTimeOffset SentAt, string Sender, string? Subject, bool IsFlagged,
    [property: Description("The body as consecutive pieces, hits marked; joined they are the whole body.")] IReadOnlyList<HighlightSegmentDto> Body,
    IReadOnlyList<HighlightSegmentDto> SubjectSegments)
{
    public static ConversationMessageDto From(ConversationMessage m) => new(m.ItemId, m.SentAt, m.Sender, m.Subject, m.IsFlagged,
        m.BodySegments.Select(HighlightSegmentDto.From).ToList(), m.SubjectSegments.Select(HighlightSegmentDto.From).ToList());
}

public sealed record ReviewActionDto(long Id, long ReviewItemId, ReviewActionKind Action, ReviewState FromState, ReviewState ToState, string Reviewer,
    DateTimeOffset At, string? Notes)
{
    public static ReviewActionDto From(ReviewAction a) => new(a.Id, a.ReviewItemId, a.Action, a.FromState, a.ToState, a.Reviewer, a.At, a.Notes);
}

/// <summary>The archived item whole, as the reviewer needs it.</summary>
public sealed record ReviewedItemDto(long Id, string ItemKey, Guid ConnectorId, string SourceType, string ItemClass, string? ConversationId,
    JsonElement Sender, JsonElement Recipients, DateTimeOffset SentAt, string? Subject, string? BodyText, string? BodyHtml, JsonElement Attachments)
{
    public static ReviewedItemDto From(ArchivedItem i) => new(i.Id, i.ItemKey, i.ConnectorId, i.SourceType, i.ItemClass, i.ConversationId,
        Parse(i.Sender), Parse(i.Recipients), i.SentAt, i.Subject, i.BodyText, i.BodyHtml, Parse(i.Attachments));

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

public sealed record ReviewItemDetailDto(long Id, Guid PolicyId, string PolicyName, ReviewState State, DateTimeOffset FlaggedAt, DateTimeOffset UpdatedAt,
    ReviewedItemDto Item, IReadOnlyList<ReviewHitDto> Hits,
    [property: Description("The flagged message (isFlagged) with up to five messages either side in the same conversation.")] IReadOnlyList<ConversationMessageDto> Conversation,
    IReadOnlyList<ReviewActionDto> Actions)
{
    public static ReviewItemDetailDto From(ReviewItemDetail d) => new(d.Review.Id, d.Review.PolicyId, d.PolicyName, d.Review.State, d.Review.FlaggedAt,
        d.Review.UpdatedAt, ReviewedItemDto.From(d.Item), d.Hits.Select(ReviewHitDto.From).ToList(),
        d.Conversation.Select(ConversationMessageDto.From).ToList(), d.Actions.Select(ReviewActionDto.From).ToList());
}

public sealed record ReviewActionRequest(
    [property: Description("Resolve, Escalate, FalsePositive or Comment.")] string? Action,
    [property: Description("The reviewer's notes, at most 4,000 characters; required for a comment.")] string? Notes = null);

/// <summary>
/// The communication-compliance review queue. Reviewers only (and global administrators): the content is
/// sensitive, so compliance administrators, who write the policies, do not see it.
/// </summary>
public static class ReviewQueueApi
{
    /// <summary>Messages shown either side of the flagged one.</summary>
    public const int ConversationAround = 5;

    public static IEndpointRouteBuilder MapReviewQueueApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/compliance/supervision/queue").WithTags("Communication compliance").RequireAuthorization(Policies.Review);
        group.MapGet("/", List)
            .WithDescription("Oldest flag first; state (Pending, Escalated, Resolved, FalsePositive) and policyId filter; page with after.");
        group.MapGet("/{id:long}", Get)
            .WithDescription("The item whole with its hits highlighted, the conversation around it and the actions so far. Opening it is audited.");
        group.MapPost("/{id:long}/actions", Act);
        return app;
    }

    public static async Task<Results<Ok<Page<ReviewQueueEntryDto>>, ValidationProblem>> List(ConnectorsDbContext db, int? limit, long? after,
        ReviewState? state, Guid? policyId, CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        var take = limit ?? 50;
        var query = db.ReviewItems.AsNoTracking();
        if (after is { } cursor)
        {
            query = query.Where(r => r.Id > cursor);
        }
        if (state is { } wanted)
        {
            query = query.Where(r => r.State == wanted);
        }
        if (policyId is { } policy)
        {
            query = query.Where(r => r.PolicyId == policy);
        }
        var reviews = await query.OrderBy(r => r.Id).Take(take + 1).ToListAsync(ct);
        var next = reviews.Count > take ? reviews[take - 1].Id.ToString() : null;
        reviews = reviews.Take(take).ToList();
        var itemIds = reviews.Select(r => r.ItemId).Distinct().ToList();
        var items = await db.Items.AsNoTracking().Where(i => itemIds.Contains(i.Id))
            .Select(i => new { i.Id, i.ItemKey, i.SourceType, i.Sender, i.SentAt, i.Subject, i.BodyText }).ToDictionaryAsync(i => i.Id, ct);
        var policyIds = reviews.Select(r => r.PolicyId).Distinct().ToList();
        var policies = await db.SupervisionPolicies.AsNoTracking().Where(p => policyIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return TypedResults.Ok(new Page<ReviewQueueEntryDto>(reviews.Select(r =>
        {
            var hits = ReviewItemViews.ReadHits(r.Hits);
            var item = items.GetValueOrDefault(r.ItemId);
            string? snippet = null;
            if (item is not null)
            {
                // The first hit in a section we hold the text of; attachment text is not kept on the item.
                var first = hits.FirstOrDefault(h => h.Section is "body" or "subject");
                var text = first?.Section == "subject" ? item.Subject : item.BodyText;
                var sectionHits = first is null ? [] : hits.Where(h => h.Section == first.Section).Select(h => new TermHit(h.Lexicon, h.Term, h.Offset, h.Length)).ToList();
                snippet = string.IsNullOrEmpty(text) ? item.Subject : Highlighter.Snippet(text, sectionHits);
            }
            return new ReviewQueueEntryDto(r.Id, r.PolicyId, policies.GetValueOrDefault(r.PolicyId), r.ItemId, item?.ItemKey, item?.SourceType,
                item is null ? null : ReviewItemViews.SenderName(item.Sender), item?.SentAt, r.State, r.FlaggedAt, r.UpdatedAt, snippet,
                hits.Select(h => h.Term).Distinct(StringComparer.OrdinalIgnoreCase).ToList());
        }).ToList(), next));
    }

    /// <summary>Opens the item whole; the opening is recorded in the audit trail (who looked at what, when).</summary>
    public static async Task<Results<Ok<ReviewItemDetailDto>, ProblemHttpResult>> Get(long id, ConnectorsDbContext db, TimeProvider clock, HttpContext http,
        CancellationToken ct)
    {
        var detail = await ReviewItemViews.LoadAsync(db, id, ConversationAround, ct);
        if (detail is null)
        {
            return await db.ReviewItems.AnyAsync(r => r.Id == id, ct)
                ? Problems.NotFound($"The item review {id} refers to is no longer archived; its actions remain on record.")
                : NotFound(id);
        }
        db.Record(http.Actor(), AuditActions.ReviewItemOpened, "review-item", id.ToString(),
            new { itemId = detail.Item.Id, policyId = detail.Review.PolicyId }, clock);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ReviewItemDetailDto.From(detail));
    }

    /// <summary>Records a reviewer's action (audited). 409 when the item's state does not allow it.</summary>
    public static async Task<Results<Ok<ReviewActionDto>, ValidationProblem, ProblemHttpResult>> Act(long id, ReviewActionRequest request,
        ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var kind = GovernanceValidation.Enum<ReviewActionKind>(request.Action, null, "action", errors);
        if (request.Action is null)
        {
            errors["action"] = ["An action is required: Resolve, Escalate, FalsePositive or Comment."];
        }
        if (request.Notes is { Length: > ReviewDecisions.MaxNotesLength })
        {
            errors["notes"] = [$"Notes are limited to {ReviewDecisions.MaxNotesLength} characters."];
        }
        else if (kind == ReviewActionKind.Comment && string.IsNullOrWhiteSpace(request.Notes))
        {
            errors["notes"] = ["A comment needs notes."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var (action, error) = await ReviewDecisions.ApplyAsync(db, id, kind!.Value, request.Notes, http.Actor(), clock, ct);
        if (action is not null)
        {
            return TypedResults.Ok(ReviewActionDto.From(action));
        }
        return error is null ? NotFound(id) : Problems.Conflict(error);
    }

    private static ProblemHttpResult NotFound(long id) => Problems.NotFound($"Review item {id} does not exist.");
}

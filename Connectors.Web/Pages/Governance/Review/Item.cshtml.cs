using System.ComponentModel.DataAnnotations;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Governance.Supervision;
using Connectors.Security;
using Connectors.Web.Display;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Connectors.Web.Pages.Governance.Review;

/// <summary>
/// One flagged item whole: the conversation around it with the hits marked, what reviewers did so far, and the
/// form to act on it. Opening it is audited: flagged content is sensitive, and who read it is part of the record.
/// </summary>
[Authorize(Policy = Policies.Review)]
public sealed class ItemModel(ConnectorsDbContext db, TimeProvider clock) : PageModel
{
    /// <summary>Messages of the same conversation shown before and after the flagged one.</summary>
    public const int Around = 5;

    public ReviewItemDetail Detail { get; private set; } = null!;

    [BindProperty, StringLength(ReviewDecisions.MaxNotesLength), Display(Name = "Notes")]
    public string? Notes { get; set; }

    [TempData]
    public string? Message { get; set; }

    /// <summary>Why the last action was not applied (shown on the re-displayed page).</summary>
    public string? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var detail = await ReviewItemViews.LoadAsync(db, id, Around, ct);
        if (detail is null)
        {
            return NotFound();
        }
        Detail = detail;
        db.Record(HttpContext.Actor(), AuditActions.ReviewItemOpened, "review-item", id.ToString(),
            new { itemId = detail.Item.Id, policyId = detail.Review.PolicyId }, clock);
        await db.SaveChangesAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, ReviewActionKind kind, CancellationToken ct)
    {
        if (ModelState.IsValid && Enum.IsDefined(kind))
        {
            var (action, error) = await ReviewDecisions.ApplyAsync(db, id, kind, Notes, HttpContext.Actor(), clock, ct);
            if (action is not null)
            {
                Message = kind == ReviewActionKind.Comment
                    ? "Comment added."
                    : $"{Formatting.ReviewActionText(kind)}: the item is now {Formatting.ReviewStateText(action.ToState).ToLowerInvariant()}.";
                return RedirectToPage(new { id });
            }
            if (error is null)
            {
                return NotFound();
            }
            Refusal = error;
        }
        // Shown again with the reviewer's notes kept, so nothing typed is lost; the content was already opened.
        var detail = await ReviewItemViews.LoadAsync(db, id, Around, ct);
        if (detail is null)
        {
            return NotFound();
        }
        Detail = detail;
        return Page();
    }
}

using System.ComponentModel.DataAnnotations;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Governance.Holds;
using Connectors.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.Governance;

/// <summary>Legal holds: the active and released ones, placing a hold and releasing one with a reason (both audited).</summary>
[Authorize(Policy = Policies.Configure)]
public sealed class HoldsModel(ConnectorsDbContext db, TimeProvider clock) : PageModel
{
    public const int ReleasedShown = 100;

    public IReadOnlyList<HoldRow> Active { get; private set; } = [];
    public IReadOnlyList<HoldRow> Released { get; private set; } = [];
    public IReadOnlyList<SelectListItem> ConnectorOptions { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public static IReadOnlyList<SelectListItem> SourceTypeOptions { get; } = GovernanceForms.SourceTypeOptions("Any source type");

    [BindProperty]
    public NewHold Place { get; set; } = new();

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public string? Refusal { get; set; }

    /// <summary>The place-hold form. Every criterion left empty widens the hold; with none it holds everything.</summary>
    public sealed class NewHold
    {
        [Display(Name = "Name")]
        public string? Name { get; set; }

        [Display(Name = "Description")]
        public string? Description { get; set; }

        [Display(Name = "Custodian (email address)")]
        public string? Custodian { get; set; }

        [Display(Name = "Connector")]
        public Guid? ConnectorId { get; set; }

        [Display(Name = "Source type")]
        public string? SourceType { get; set; }

        [DataType(DataType.Date), Display(Name = "Sent on or after")]
        public DateOnly? SentFrom { get; set; }

        [DataType(DataType.Date), Display(Name = "Sent before")]
        public DateOnly? SentTo { get; set; }
    }

    /// <summary>Where each Core request field's errors are shown.</summary>
    private static readonly Dictionary<string, string> FieldOf = new()
    {
        ["name"] = $"{nameof(Place)}.{nameof(NewHold.Name)}",
        ["description"] = $"{nameof(Place)}.{nameof(NewHold.Description)}",
        ["custodian"] = $"{nameof(Place)}.{nameof(NewHold.Custodian)}",
        ["connectorId"] = $"{nameof(Place)}.{nameof(NewHold.ConnectorId)}",
        ["sourceType"] = $"{nameof(Place)}.{nameof(NewHold.SourceType)}",
        ["sentFrom"] = $"{nameof(Place)}.{nameof(NewHold.SentFrom)}",
        ["sentTo"] = $"{nameof(Place)}.{nameof(NewHold.SentTo)}",
    };

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostPlaceAsync(CancellationToken ct)
    {
        if (ModelState.IsValid)
        {
            var request = new Holds.Request(Place.Name, Blank(Place.Description), Blank(Place.Custodian), Place.ConnectorId, Blank(Place.SourceType),
                Midnight(Place.SentFrom), Midnight(Place.SentTo));
            var (hold, errors) = await Holds.PlaceAsync(db, request, HttpContext.Actor(), clock, ct);
            if (hold is not null)
            {
                Message = $"Placed hold {hold.Name}.";
                return RedirectToPage();
            }
            GovernanceForms.AddErrors(ModelState, errors, FieldOf);
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostReleaseAsync(Guid id, string? reason, CancellationToken ct)
    {
        var (hold, error) = await Holds.ReleaseAsync(db, id, reason, HttpContext.Actor(), clock, ct);
        if (hold is null)
        {
            return NotFound();
        }
        if (error is not null)
        {
            Refusal = error;
        }
        else
        {
            Message = $"Released hold {hold.Name}.";
        }
        return RedirectToPage();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateTimeOffset? Midnight(DateOnly? date) =>
        date is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;

    private async Task LoadAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        ConnectorOptions = await GovernanceForms.ConnectorOptionsAsync(db, "Any connector", ct);
        var rows =
            from h in db.LegalHolds.AsNoTracking()
            join a in db.Accounts on h.AccountId equals a.Id into custodians
            from a in custodians.DefaultIfEmpty()
            join c in db.Connectors on h.ConnectorId equals c.Id into connectors
            from c in connectors.DefaultIfEmpty()
            select new { Hold = h, Custodian = a == null ? null : a.Email, Connector = c == null ? null : c.Name };
        Active = (await rows.Where(r => r.Hold.ReleasedAt == null).OrderByDescending(r => r.Hold.CreatedAt).ToListAsync(ct))
            .Select(r => new HoldRow(r.Hold, r.Custodian, r.Connector)).ToList();
        Released = (await rows.Where(r => r.Hold.ReleasedAt != null).OrderByDescending(r => r.Hold.ReleasedAt).Take(ReleasedShown).ToListAsync(ct))
            .Select(r => new HoldRow(r.Hold, r.Custodian, r.Connector)).ToList();
    }

    public sealed record HoldRow(LegalHold Hold, string? CustodianEmail, string? ConnectorName);
}

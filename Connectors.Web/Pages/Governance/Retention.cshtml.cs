using System.ComponentModel.DataAnnotations;
using Connectors.Audit;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Governance.Retention;
using Connectors.Security;
using Connectors.Web.Display;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Web.Pages.Governance;

/// <summary>
/// Retention policies (list, create, enable and disable) and the disposition reviews waiting for a decision.
/// Compliance Administrators and above; every change is audited.
/// </summary>
[Authorize(Policy = Policies.Configure)]
public sealed class RetentionModel(ConnectorsDbContext db, TimeProvider clock) : PageModel
{
    public const int MaximumYears = 100;
    public const int MaximumDays = 36_525;
    public const int DispositionPageSize = 100;

    public IReadOnlyList<PolicyRow> RetentionPolicies { get; private set; } = [];
    public IReadOnlyList<DispositionRow> PendingReviews { get; private set; } = [];
    public int PendingDispositions { get; private set; }
    public IReadOnlyList<SelectListItem> ConnectorOptions { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    [BindProperty]
    public NewPolicy Create { get; set; } = new();

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public string? Refusal { get; set; }

    public static IReadOnlyList<SelectListItem> ScopeOptions { get; } = GovernanceForms.EnumOptions<RetentionScope>(Formatting.RetentionScopeText);
    public static IReadOnlyList<SelectListItem> ActionOptions { get; } = GovernanceForms.EnumOptions<RetentionAction>(Formatting.RetentionActionText);
    public static IReadOnlyList<SelectListItem> SourceTypeOptions { get; } = GovernanceForms.SourceTypeOptions("Choose a source type");

    /// <summary>The create form's fields; only the one scope field that matches the chosen scope is read.</summary>
    public sealed class NewPolicy
    {
        [Required, StringLength(200), Display(Name = "Name")]
        public string Name { get; set; } = "";

        [EnumDataType(typeof(RetentionScope)), Display(Name = "Scope")]
        public RetentionScope Scope { get; set; } = RetentionScope.Organization;

        [Display(Name = "Connector")]
        public Guid? ConnectorId { get; set; }

        [Display(Name = "Source type")]
        public string? SourceType { get; set; }

        [StringLength(100), Display(Name = "Item class")]
        public string? ItemClass { get; set; }

        [Range(0, MaximumYears, ErrorMessage = "Years must be between {1} and {2}."), Display(Name = "Years")]
        public int Years { get; set; }

        [Range(0, MaximumDays, ErrorMessage = "Days must be between {1} and {2}."), Display(Name = "Days")]
        public int Days { get; set; }

        [EnumDataType(typeof(RetentionAction)), Display(Name = "At the end of the period")]
        public RetentionAction Action { get; set; } = RetentionAction.Delete;

        [Display(Name = "Enabled")]
        public bool Enabled { get; set; } = true;
    }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var name = Create.Name?.Trim() ?? "";
        var scopeValue = await ValidateScopeAsync(ct);
        var period = TimeSpan.FromDays(Formatting.DaysInYears(Create.Years) + Create.Days);
        if (period <= TimeSpan.Zero && ModelState.IsValid)
        {
            ModelState.AddModelError($"{nameof(Create)}.{nameof(NewPolicy.Years)}", "The retention period must be at least one day.");
        }
        if (ModelState.IsValid && await db.RetentionPolicies.AnyAsync(p => p.Name == name, ct))
        {
            ModelState.AddModelError($"{nameof(Create)}.{nameof(NewPolicy.Name)}", $"A retention policy named '{name}' already exists.");
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }

        var actor = HttpContext.Actor();
        var now = clock.GetUtcNow();
        var policy = new RetentionPolicy
        {
            Name = name, Scope = Create.Scope, ScopeValue = scopeValue, RetainFor = period, Action = Create.Action, Enabled = Create.Enabled,
            CreatedAt = now, CreatedBy = actor.Name, UpdatedAt = now,
        };
        db.RetentionPolicies.Add(policy);
        db.Record(actor, AuditActions.RetentionPolicyChanged, "retention-policy", policy.Id.ToString(),
            new { change = "created", policy.Name, policy.Scope, policy.ScopeValue, retainForDays = (int)period.TotalDays, policy.Action, policy.Enabled },
            clock);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another administrator created the same name between the check and the insert.
            db.ChangeTracker.Clear();
            ModelState.AddModelError($"{nameof(Create)}.{nameof(NewPolicy.Name)}", $"A retention policy named '{name}' already exists.");
            await LoadAsync(ct);
            return Page();
        }
        Message = $"Created retention policy {policy.Name}.";
        return RedirectToPage();
    }

    public Task<IActionResult> OnPostEnableAsync(Guid id, CancellationToken ct) => SetEnabledAsync(id, true, ct);

    public Task<IActionResult> OnPostDisableAsync(Guid id, CancellationToken ct) => SetEnabledAsync(id, false, ct);

    public async Task<IActionResult> OnPostDecideAsync(long itemId, bool approve, DateOnly? retainUntil, string? notes, CancellationToken ct)
    {
        var until = retainUntil is { } date ? new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
        var (review, error) = await Dispositions.DecideAsync(
            db, itemId, approve, until, notes, HttpContext.Actor(), clock, ct);
        if (review is null)
        {
            return NotFound();
        }
        if (error is not null)
        {
            Refusal = error;
        }
        else
        {
            Message = approve
                ? $"Item {itemId} approved for deletion."
                : $"Item {itemId} retained{(review.RetainUntil is { } kept ? " until " + Formatting.Exact(kept) : "")}.";
        }
        return RedirectToPage();
    }

    private async Task<IActionResult> SetEnabledAsync(Guid id, bool enabled, CancellationToken ct)
    {
        var policy = await db.RetentionPolicies.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null)
        {
            return NotFound();
        }
        if (policy.Enabled == enabled)
        {
            Message = $"Retention policy {policy.Name} was already {(enabled ? "enabled" : "disabled")}.";
            return RedirectToPage();
        }
        policy.Enabled = enabled;
        policy.UpdatedAt = clock.GetUtcNow();
        db.Record(HttpContext.Actor(), AuditActions.RetentionPolicyChanged, "retention-policy", policy.Id.ToString(),
            new { change = enabled ? "enabled" : "disabled", policy.Name, enabled = new { from = !enabled, to = enabled } }, clock);
        await db.SaveChangesAsync(ct);
        Message = $"Retention policy {policy.Name} {(enabled ? "enabled" : "disabled")}.";
        return RedirectToPage();
    }

    /// <summary>The stored scope value for the chosen scope, with an error next to its field when it is missing or unknown.</summary>
    private async Task<string?> ValidateScopeAsync(CancellationToken ct)
    {
        const string prefix = nameof(Create) + ".";
        switch (Create.Scope)
        {
            case RetentionScope.Connector:
                if (Create.ConnectorId is not { } connectorId)
                {
                    ModelState.AddModelError(prefix + nameof(NewPolicy.ConnectorId), "Choose the connector the policy covers.");
                    return null;
                }
                if (!await db.Connectors.AnyAsync(c => c.Id == connectorId, ct))
                {
                    ModelState.AddModelError(prefix + nameof(NewPolicy.ConnectorId), "That connector no longer exists.");
                }
                return connectorId.ToString();
            case RetentionScope.SourceType:
                if (ConnectorTypes.Find(Create.SourceType) is not { } type)
                {
                    ModelState.AddModelError(prefix + nameof(NewPolicy.SourceType), "Choose the source type the policy covers.");
                    return null;
                }
                return type.Id;
            case RetentionScope.ItemClass:
                var itemClass = Create.ItemClass?.Trim().ToLowerInvariant();
                if (string.IsNullOrEmpty(itemClass) || itemClass == "*")
                {
                    ModelState.AddModelError(prefix + nameof(NewPolicy.ItemClass),
                        "Enter an item class, such as ipm.externaldata.slack or ipm.externaldata.slack* for a prefix.");
                    return null;
                }
                return itemClass;
            default:
                return null;
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        ConnectorOptions = await GovernanceForms.ConnectorOptionsAsync(db, "Choose a connector", ct);
        var connectorNames = ConnectorOptions.Where(o => o.Value != "").ToDictionary(o => o.Value, o => o.Text);
        var policies = await db.RetentionPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        RetentionPolicies = policies.Select(p => new PolicyRow(p, p.Scope switch
        {
            RetentionScope.Organization => null,
            RetentionScope.Connector => connectorNames.TryGetValue(p.ScopeValue ?? "", out var connectorName) ? connectorName : p.ScopeValue,
            RetentionScope.SourceType => Formatting.TypeName(p.ScopeValue ?? ""),
            _ => p.ScopeValue,
        })).ToList();

        var pending = db.DispositionReviews.AsNoTracking().Where(r => r.State == DispositionState.Pending);
        PendingDispositions = await pending.CountAsync(ct);
        // Longest overdue first: the reviews that have waited longest are the ones to decide next.
        PendingReviews = await (
            from r in pending
            join i in db.Items on r.ItemId equals i.Id
            join p in db.RetentionPolicies on r.PolicyId equals p.Id
            orderby r.DueAt, r.ItemId
            select new DispositionRow(r.ItemId, p.Name, r.DueAt, i.ItemKey, i.SourceType, i.SentAt, i.Subject))
            .Take(DispositionPageSize).ToListAsync(ct);
    }

    public sealed record PolicyRow(RetentionPolicy Policy, string? ScopeText);

    public sealed record DispositionRow(long ItemId, string PolicyName, DateTimeOffset DueAt, string ItemKey, string SourceType,
        DateTimeOffset SentAt, string? Subject);
}

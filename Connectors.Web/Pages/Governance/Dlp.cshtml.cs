using System.ComponentModel.DataAnnotations;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Governance;
using Connectors.Governance.Dlp;
using Connectors.Security;
using Connectors.Web.Display;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Web.Pages.Governance;

/// <summary>DLP policies: the list, creating one, enabling, disabling and re-running one over the archive (all audited).</summary>
[Authorize(Policy = Policies.Configure)]
public sealed class DlpModel(ConnectorsDbContext db, TimeProvider clock) : PageModel
{
    public const int MaximumCount = 10_000;

    public IReadOnlyList<DlpPolicy> DlpPolicies { get; private set; } = [];
    public IReadOnlyList<DlpCustomType> CustomTypes { get; private set; } = [];

    /// <summary>Every type a policy may name: built-in first, then the custom ones, as (id, name).</summary>
    public IReadOnlyList<(string Id, string Name, bool Custom)> InfoTypeChoices { get; private set; } = [];

    public static IReadOnlyList<SelectListItem> ConfidenceOptions { get; } = GovernanceForms.EnumOptions<DlpConfidence>(Formatting.ConfidenceText);
    public static IReadOnlyList<SelectListItem> ActionOptions { get; } = GovernanceForms.EnumOptions<DlpAction>(a => a switch
    {
        DlpAction.Flag => "Flag (record and list the match)",
        DlpAction.Alert => "Alert (also raise an alert, values masked)",
        _ => a.ToString(),
    });

    [BindProperty]
    public NewPolicy Create { get; set; } = new();

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public string? Refusal { get; set; }

    public sealed class NewPolicy
    {
        [Required, StringLength(200), Display(Name = "Name")]
        public string Name { get; set; } = "";

        [Display(Name = "Sensitive information types")]
        public List<string> InfoTypes { get; set; } = [];

        [Range(1, MaximumCount, ErrorMessage = "The minimum count must be between {1} and {2}."), Display(Name = "Minimum count")]
        public int MinimumCount { get; set; } = 1;

        [EnumDataType(typeof(DlpConfidence)), Display(Name = "Minimum confidence")]
        public DlpConfidence MinimumConfidence { get; set; } = DlpConfidence.Medium;

        [EnumDataType(typeof(DlpAction)), Display(Name = "Action")]
        public DlpAction Action { get; set; } = DlpAction.Flag;

        [Display(Name = "Enabled")]
        public bool Enabled { get; set; } = true;
    }

    /// <summary>The display name of a type id, or the id when the type is gone.</summary>
    public string TypeName(string id) => InfoTypeChoices.FirstOrDefault(c => c.Id == id).Name ?? id;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        const string prefix = nameof(Create) + ".";
        var name = Create.Name?.Trim() ?? "";
        var known = InfoTypeChoices.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var types = Create.InfoTypes.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal).ToList();
        if (types.Count == 0)
        {
            ModelState.AddModelError(prefix + nameof(NewPolicy.InfoTypes), "Choose at least one sensitive information type.");
        }
        else if (types.FirstOrDefault(t => !known.Contains(t)) is { } unknown)
        {
            ModelState.AddModelError(prefix + nameof(NewPolicy.InfoTypes), $"Unknown sensitive information type {unknown}.");
        }
        if (ModelState.IsValid && await db.DlpPolicies.AnyAsync(p => p.Name == name, ct))
        {
            ModelState.AddModelError(prefix + nameof(NewPolicy.Name), $"A DLP policy named '{name}' already exists.");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var actor = HttpContext.Actor();
        var now = clock.GetUtcNow();
        var policy = new DlpPolicy
        {
            Name = name, Enabled = Create.Enabled, InfoTypes = types, MinimumCount = Create.MinimumCount,
            MinimumConfidence = Create.MinimumConfidence, Action = Create.Action, CreatedAt = now, CreatedBy = actor.Name, UpdatedAt = now,
        };
        db.DlpPolicies.Add(policy);
        db.Record(actor, AuditActions.DlpPolicyChanged, "dlp-policy", policy.Id.ToString(),
            new { change = "created", policy.Name, policy.Enabled, policy.InfoTypes, policy.MinimumCount, policy.MinimumConfidence, policy.Action },
            clock);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            ModelState.AddModelError(prefix + nameof(NewPolicy.Name), $"A DLP policy named '{name}' already exists.");
            return Page();
        }
        Message = $"Created DLP policy {policy.Name}.";
        return RedirectToPage();
    }

    public Task<IActionResult> OnPostEnableAsync(Guid id, CancellationToken ct) => SetEnabledAsync(id, true, ct);

    public Task<IActionResult> OnPostDisableAsync(Guid id, CancellationToken ct) => SetEnabledAsync(id, false, ct);

    /// <summary>Queues a re-run of the policy over everything archived; the worker does it in batches.</summary>
    public async Task<IActionResult> OnPostEvaluateAsync(Guid id, CancellationToken ct)
    {
        var name = await db.DlpPolicies.Where(p => p.Id == id).Select(p => p.Name).FirstOrDefaultAsync(ct);
        if (name is null)
        {
            return NotFound();
        }
        var evaluation = await PolicyEvaluations.RequestAsync(db, PolicyKind.Dlp, id, HttpContext.Actor(), clock, ct);
        Message = $"Evaluation {evaluation.Id} of {name} is {evaluation.Status.ToString().ToLowerInvariant()}.";
        return RedirectToPage();
    }

    private async Task<IActionResult> SetEnabledAsync(Guid id, bool enabled, CancellationToken ct)
    {
        var policy = await db.DlpPolicies.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null)
        {
            return NotFound();
        }
        if (policy.Enabled != enabled)
        {
            policy.Enabled = enabled;
            policy.UpdatedAt = clock.GetUtcNow();
            db.Record(HttpContext.Actor(), AuditActions.DlpPolicyChanged, "dlp-policy", policy.Id.ToString(),
                new { change = enabled ? "enabled" : "disabled", policy.Name, enabled = new { from = !enabled, to = enabled } }, clock);
            await db.SaveChangesAsync(ct);
        }
        Message = $"DLP policy {policy.Name} {(enabled ? "enabled" : "disabled")}.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        DlpPolicies = await db.DlpPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        CustomTypes = await db.DlpCustomTypes.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        InfoTypeChoices =
        [
            .. BuiltInSensitiveInfoTypes.All.Select(t => (t.Id, t.Name, false)),
            .. CustomTypes.Select(t => (t.TypeId, t.Name, true)),
        ];
    }
}

using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Connectors.Audit;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Governance;
using Connectors.Governance.Supervision;
using Connectors.Security;
using Connectors.Sources.Hr;
using Connectors.Web.Display;
using Connectors.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Web.Pages.Governance;

/// <summary>
/// Communication compliance: lexicons (create, edit terms, copy a built-in one) and the supervision policies that use
/// them (create, enable, disable, evaluate now). Compliance Administrators and above change them, every change audited;
/// Compliance Reviewers may read them, since they explain what lands in the queue they work. The checks are in
/// <see cref="OnPageHandlerExecuting"/> because reading and changing need different duties.
/// </summary>
public sealed class SupervisionModel(ConnectorsDbContext db, TimeProvider clock) : PageModel
{
    public const int MaximumTerms = 5_000;
    public const int MaximumPeople = 1_000;

    /// <summary>The model-state key of the edit-terms form's errors (its field is named so).</summary>
    public const string EditTermsKey = "terms";

    /// <summary>The model-state keys of the create forms' multi-line fields, whose errors are listed one per line.</summary>
    public const string LexiconTermsKey = nameof(CreateLexicon) + "." + nameof(NewLexicon.Terms);
    public const string PeopleKey = nameof(CreatePolicy) + "." + nameof(NewPolicy.People);

    public IReadOnlyList<LexiconDefinition> Lexicons { get; private set; } = [];
    public IReadOnlyList<SupervisionPolicy> SupervisionPolicies { get; private set; } = [];

    /// <summary>The lexicon whose edit form was refused, shown open with what was typed and the errors.</summary>
    public Guid? EditingId { get; private set; }
    public string? EditedTerms { get; private set; }

    /// <summary>Source types by display name, for the policy form's checkboxes.</summary>
    public static IReadOnlyList<ConnectorTypeInfo> SourceTypeChoices { get; } = ConnectorTypes.All.OrderBy(t => t.DisplayName).ToList();

    /// <summary>Whether the signed-in user may change lexicons and policies (the forms are shown only then).</summary>
    public bool MayChange => User.CanConfigure();

    public NewLexicon CreateLexicon { get; set; } = new();

    public NewPolicy CreatePolicy { get; set; } = new();

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public string? Refusal { get; set; }

    /// <summary>The create-lexicon form.</summary>
    public sealed class NewLexicon
    {
        [Required, StringLength(200), Display(Name = "Name")]
        public string Name { get; set; } = "";

        [Display(Name = "Terms, one per line")]
        public string? Terms { get; set; }
    }

    /// <summary>The create-policy form; an empty scope list means every source type or everyone.</summary>
    public sealed class NewPolicy
    {
        [Required, StringLength(200), Display(Name = "Name")]
        public string Name { get; set; } = "";

        [Display(Name = "Lexicons")]
        public List<Guid> LexiconIds { get; set; } = [];

        [Display(Name = "Source types")]
        public List<string> SourceTypes { get; set; } = [];

        [Display(Name = "Supervised people (email addresses, one per line)")]
        public string? People { get; set; }

        [Range(1, 100, ErrorMessage = "The sampling percentage is between {1} and {2} (100 reviews every matching item)."),
         Display(Name = "Sampling percentage")]
        public int SamplingPercent { get; set; } = 100;

        [Display(Name = "Enabled")]
        public bool Enabled { get; set; } = true;
    }

    /// <summary>Configure or Review may read the page; only Configure may post to it.</summary>
    public static bool MayRead(ClaimsPrincipal user) => user.CanConfigure() || user.Can(Role.ComplianceReviewer);

    public override void OnPageHandlerExecuting(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context)
    {
        var method = context.HttpContext.Request.Method;
        var reading = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (!(reading ? MayRead(User) : User.CanConfigure()))
        {
            context.Result = Forbid();
        }
    }

    /// <summary>The name of a lexicon a policy uses, or its id when the lexicon is gone.</summary>
    public string LexiconName(Guid id) => Lexicons.FirstOrDefault(l => l.Id == id)?.Name ?? id.ToString();

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateLexiconAsync(CancellationToken ct)
    {
        const string prefix = nameof(CreateLexicon) + ".";
        await TryUpdateModelAsync(CreateLexicon, nameof(CreateLexicon));
        var name = CreateLexicon.Name?.Trim() ?? "";
        var terms = ParseTerms(CreateLexicon.Terms, LexiconTermsKey);
        if (ModelState.IsValid && await LexiconNameTakenAsync(name, ct))
        {
            ModelState.AddModelError(prefix + nameof(NewLexicon.Name), LexiconTaken(name));
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }

        var lexicon = NewDefinition(name, terms);
        db.Record(HttpContext.Actor(), AuditActions.LexiconChanged, "lexicon", lexicon.Id.ToString(),
            new { change = "created", lexicon.Name, lexicon.Terms }, clock);
        if (!await TrySaveAsync(ct))
        {
            ModelState.AddModelError(prefix + nameof(NewLexicon.Name), LexiconTaken(name));
            await LoadAsync(ct);
            return Page();
        }
        Message = $"Created lexicon {lexicon.Name} with {Formatting.Count(terms.Count)} {(terms.Count == 1 ? "term" : "terms")}.";
        return RedirectToPage();
    }

    /// <summary>Replaces a lexicon's terms; the audit record lists the terms added and removed.</summary>
    public async Task<IActionResult> OnPostEditLexiconAsync(Guid id, string? terms, CancellationToken ct)
    {
        var lexicon = await db.Lexicons.FirstOrDefaultAsync(l => l.Id == id, ct);
        if (lexicon is null)
        {
            return NotFound();
        }
        var parsed = ParseTerms(terms, EditTermsKey);
        if (!ModelState.IsValid)
        {
            EditingId = id;
            EditedTerms = terms;
            await LoadAsync(ct);
            return Page();
        }
        if (parsed.SequenceEqual(lexicon.Terms))
        {
            Message = $"Lexicon {lexicon.Name} is unchanged.";
            return RedirectToPage();
        }
        var added = parsed.Except(lexicon.Terms).ToList();
        var removed = lexicon.Terms.Except(parsed).ToList();
        lexicon.Terms = parsed;
        lexicon.UpdatedAt = clock.GetUtcNow();
        db.Record(HttpContext.Actor(), AuditActions.LexiconChanged, "lexicon", lexicon.Id.ToString(),
            new { change = "updated", changed = new[] { "terms" }, lexicon.Name, added, removed }, clock);
        await db.SaveChangesAsync(ct);
        Message = $"Updated lexicon {lexicon.Name}: {Formatting.Count(added.Count)} added, {Formatting.Count(removed.Count)} removed.";
        return RedirectToPage();
    }

    /// <summary>Copies a built-in lexicon into one that can be edited, under its name or, when that is taken, "name (copy N)".</summary>
    public async Task<IActionResult> OnPostCopyBuiltInAsync(string? name, CancellationToken ct)
    {
        if (BuiltInLexicons.All.FirstOrDefault(l => l.Name == name) is not { } builtIn)
        {
            return NotFound();
        }
        var taken = (await db.Lexicons.Select(l => l.Name.ToLower()).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var copyName = builtIn.Name;
        for (var n = 2; taken.Contains(copyName.ToLowerInvariant()); n++)
        {
            copyName = $"{builtIn.Name} (copy {n})";
        }
        var lexicon = NewDefinition(copyName, builtIn.Terms.Select(t => t.Text).ToList());
        db.Record(HttpContext.Actor(), AuditActions.LexiconChanged, "lexicon", lexicon.Id.ToString(),
            new { change = "created", copiedFrom = builtIn.Name, lexicon.Name, lexicon.Terms }, clock);
        if (!await TrySaveAsync(ct))
        {
            Refusal = $"{LexiconTaken(copyName)} Try again.";
            return RedirectToPage();
        }
        Message = lexicon.Name == builtIn.Name
            ? $"Copied built-in lexicon {builtIn.Name}."
            : $"Copied built-in lexicon {builtIn.Name} as {lexicon.Name}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostCreatePolicyAsync(CancellationToken ct)
    {
        const string prefix = nameof(CreatePolicy) + ".";
        await TryUpdateModelAsync(CreatePolicy, nameof(CreatePolicy));
        await LoadAsync(ct);
        var name = CreatePolicy.Name?.Trim() ?? "";
        var lexiconIds = CreatePolicy.LexiconIds.Distinct().ToList();
        if (lexiconIds.Count == 0)
        {
            ModelState.AddModelError(prefix + nameof(NewPolicy.LexiconIds), "Choose at least one lexicon.");
        }
        else if (lexiconIds.Where(id => Lexicons.All(l => l.Id != id)).Select(id => (Guid?)id).FirstOrDefault() is { } unknown)
        {
            ModelState.AddModelError(prefix + nameof(NewPolicy.LexiconIds), $"Lexicon {unknown} no longer exists.");
        }
        var sourceTypes = new List<string>();
        foreach (var value in CreatePolicy.SourceTypes.Where(t => !string.IsNullOrWhiteSpace(t)))
        {
            if (ConnectorTypes.Find(value.Trim()) is { } type)
            {
                if (!sourceTypes.Contains(type.Id))
                {
                    sourceTypes.Add(type.Id);
                }
            }
            else
            {
                ModelState.AddModelError(prefix + nameof(NewPolicy.SourceTypes), $"Unknown source type {value}.");
            }
        }
        var people = ParsePeople(CreatePolicy.People, PeopleKey);
        if (ModelState.IsValid && await PolicyNameTakenAsync(name, ct))
        {
            ModelState.AddModelError(prefix + nameof(NewPolicy.Name), PolicyTaken(name));
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var actor = HttpContext.Actor();
        var now = clock.GetUtcNow();
        var policy = new SupervisionPolicy
        {
            Name = name, Enabled = CreatePolicy.Enabled, LexiconIds = lexiconIds, SourceTypes = sourceTypes, People = people,
            SamplingPercent = CreatePolicy.SamplingPercent, CreatedAt = now, CreatedBy = actor.Name, UpdatedAt = now,
        };
        db.SupervisionPolicies.Add(policy);
        db.Record(actor, AuditActions.SupervisionPolicyChanged, "supervision-policy", policy.Id.ToString(),
            new { change = "created", policy.Name, policy.Enabled, policy.LexiconIds, policy.SourceTypes, policy.People, policy.SamplingPercent },
            clock);
        if (!await TrySaveAsync(ct))
        {
            ModelState.AddModelError(prefix + nameof(NewPolicy.Name), PolicyTaken(name));
            return Page();
        }
        Message = $"Created supervision policy {policy.Name}.";
        return RedirectToPage();
    }

    public Task<IActionResult> OnPostEnableAsync(Guid id, CancellationToken ct) => SetEnabledAsync(id, true, ct);

    public Task<IActionResult> OnPostDisableAsync(Guid id, CancellationToken ct) => SetEnabledAsync(id, false, ct);

    /// <summary>Queues a run of the policy over everything archived; the worker does it in batches.</summary>
    public async Task<IActionResult> OnPostEvaluateAsync(Guid id, CancellationToken ct)
    {
        var name = await db.SupervisionPolicies.Where(p => p.Id == id).Select(p => p.Name).FirstOrDefaultAsync(ct);
        if (name is null)
        {
            return NotFound();
        }
        var evaluation = await PolicyEvaluations.RequestAsync(db, PolicyKind.Supervision, id, HttpContext.Actor(), clock, ct);
        Message = $"Evaluation {evaluation.Id} of {name} is {evaluation.Status.ToString().ToLowerInvariant()}.";
        return RedirectToPage();
    }

    private async Task<IActionResult> SetEnabledAsync(Guid id, bool enabled, CancellationToken ct)
    {
        var policy = await db.SupervisionPolicies.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null)
        {
            return NotFound();
        }
        if (policy.Enabled != enabled)
        {
            policy.Enabled = enabled;
            policy.UpdatedAt = clock.GetUtcNow();
            db.Record(HttpContext.Actor(), AuditActions.SupervisionPolicyChanged, "supervision-policy", policy.Id.ToString(),
                new { change = enabled ? "enabled" : "disabled", policy.Name, enabled = new { from = !enabled, to = enabled } }, clock);
            await db.SaveChangesAsync(ct);
        }
        Message = $"Supervision policy {policy.Name} {(enabled ? "enabled" : "disabled")}.";
        return RedirectToPage();
    }

    /// <summary>
    /// The terms as the matcher reads them (normalised text, repeats dropped); each bad line is an error of its own
    /// ("Line 3: ..."), so every mistake is shown at once.
    /// </summary>
    private List<string> ParseTerms(string? text, string field)
    {
        var terms = LexiconTerm.ParseLines(text, out var errors);
        foreach (var error in errors)
        {
            ModelState.AddModelError(field, error);
        }
        if (errors.Count == 0 && terms.Count == 0)
        {
            ModelState.AddModelError(field, "Enter at least one term.");
        }
        else if (terms.Count > MaximumTerms)
        {
            ModelState.AddModelError(field, $"A lexicon can have at most {Formatting.Count(MaximumTerms)} terms; this one has {Formatting.Count(terms.Count)}.");
        }
        return terms.Select(t => t.Text).ToList();
    }

    /// <summary>Email addresses one per line, trimmed and lower-cased, repeats dropped; any address is accepted, directory account or not.</summary>
    private List<string> ParsePeople(string? text, string field)
    {
        var people = new List<string>();
        var lines = (text ?? "").ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var email = lines[i].Trim();
            if (email.Length == 0)
            {
                continue;
            }
            if (!HrCsv.IsEmailAddress(email))
            {
                ModelState.AddModelError(field, $"Line {i + 1}: '{email}' is not an email address.");
            }
            else if (!people.Contains(email.ToLowerInvariant()))
            {
                people.Add(email.ToLowerInvariant());
            }
        }
        if (people.Count > MaximumPeople)
        {
            ModelState.AddModelError(field, $"A policy can supervise at most {Formatting.Count(MaximumPeople)} people; leave the list empty for everyone.");
        }
        return people;
    }

    private LexiconDefinition NewDefinition(string name, List<string> terms)
    {
        var now = clock.GetUtcNow();
        var lexicon = new LexiconDefinition { Name = name, Terms = terms, CreatedAt = now, CreatedBy = HttpContext.Actor().Name, UpdatedAt = now };
        db.Lexicons.Add(lexicon);
        return lexicon;
    }

    /// <summary>Saves; false when a name was taken by someone else between the check and the insert.</summary>
    private async Task<bool> TrySaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    // Names compare without case, as the API does: "Off-channel" and "off-channel" would confuse everyone.
    private Task<bool> LexiconNameTakenAsync(string name, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        return db.Lexicons.AnyAsync(l => l.Name.ToLower() == lower, ct);
    }

    private Task<bool> PolicyNameTakenAsync(string name, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        return db.SupervisionPolicies.AnyAsync(p => p.Name.ToLower() == lower, ct);
    }

    private static string LexiconTaken(string name) => $"A lexicon named '{name}' already exists.";

    private static string PolicyTaken(string name) => $"A supervision policy named '{name}' already exists.";

    private async Task LoadAsync(CancellationToken ct)
    {
        Lexicons = await db.Lexicons.AsNoTracking().OrderBy(l => l.Name).ToListAsync(ct);
        SupervisionPolicies = await db.SupervisionPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
    }
}

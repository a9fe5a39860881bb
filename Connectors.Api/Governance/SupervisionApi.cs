using System.ComponentModel;
using Connectors.Api.Mapping;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Governance;
using Connectors.Governance.Supervision;
using Connectors.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Api.Governance;

public sealed record LexiconDto(Guid Id, string Name, IReadOnlyList<string> Terms, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt)
{
    public static LexiconDto From(LexiconDefinition l) => new(l.Id, l.Name, l.Terms, l.CreatedAt, l.CreatedBy, l.UpdatedAt);
}

/// <summary>A lexicon that ships with the product, to copy into one of your own.</summary>
public sealed record BuiltInLexiconDto(string Name, IReadOnlyList<string> Terms)
{
    public static BuiltInLexiconDto From(Lexicon l) => new(l.Name, l.Terms.Select(t => t.Text).ToList());
}

public sealed record LexiconRequest(
    [property: Description("Unique name, 1 to 200 characters. Required when creating.")] string? Name,
    [property: Description("One term each: a word (guarantee), a stem (guarant*) or a phrase (\"delete this\"). Required when creating; replaces the list when updating.")] IReadOnlyList<string>? Terms);

public sealed record SupervisionPolicyDto(Guid Id, string Name, bool Enabled, IReadOnlyList<Guid> LexiconIds, IReadOnlyList<string> SourceTypes,
    IReadOnlyList<string> People, int SamplingPercent, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt)
{
    public static SupervisionPolicyDto From(SupervisionPolicy p) =>
        new(p.Id, p.Name, p.Enabled, p.LexiconIds, p.SourceTypes, p.People, p.SamplingPercent, p.CreatedAt, p.CreatedBy, p.UpdatedAt);
}

public sealed record CreateSupervisionPolicyRequest(
    [property: Description("Unique name, 1 to 200 characters.")] string? Name,
    [property: Description("Ids of lexicons (GET /api/compliance/supervision/lexicons); at least one.")] IReadOnlyList<Guid>? LexiconIds,
    [property: Description("Source types in scope; empty or omitted: every type.")] IReadOnlyList<string>? SourceTypes = null,
    [property: Description("Emails of the supervised people; empty or omitted: everyone.")] IReadOnlyList<string>? People = null,
    [property: Description("Share of matching items sent to review, 1 to 100 (default 100). The sample is stable: the same items every run.")] int? SamplingPercent = null,
    bool? Enabled = null);

/// <summary>Fields left out (null) keep their value; an empty list clears a scope.</summary>
public sealed record UpdateSupervisionPolicyRequest(string? Name = null, IReadOnlyList<Guid>? LexiconIds = null, IReadOnlyList<string>? SourceTypes = null,
    IReadOnlyList<string>? People = null, int? SamplingPercent = null, bool? Enabled = null);

/// <summary>Communication compliance: lexicons and the supervision policies that use them.</summary>
public static class SupervisionApi
{
    public const int MaxTerms = 5000;

    public static IEndpointRouteBuilder MapSupervisionApi(this IEndpointRouteBuilder app)
    {
        // Reviewers read the policies and lexicons behind the queue they work; only administrators change them.
        var group = app.MapGroup("/api/compliance/supervision").WithTags("Communication compliance").RequireAuthorization(Policies.View);
        group.MapGet("/lexicons", ListLexicons).RequireAuthorization(GovernanceValidation.ConfigureOrReview);
        group.MapGet("/lexicons/built-in", ListBuiltInLexicons).RequireAuthorization(GovernanceValidation.ConfigureOrReview);
        group.MapGet("/lexicons/{id:guid}", GetLexicon).RequireAuthorization(GovernanceValidation.ConfigureOrReview);
        group.MapPost("/lexicons", CreateLexicon).RequireAuthorization(Policies.Configure);
        group.MapPut("/lexicons/{id:guid}", UpdateLexicon).RequireAuthorization(Policies.Configure);
        group.MapGet("/policies", ListPolicies).RequireAuthorization(GovernanceValidation.ConfigureOrReview);
        group.MapGet("/policies/{id:guid}", GetPolicy).RequireAuthorization(GovernanceValidation.ConfigureOrReview);
        group.MapPost("/policies", CreatePolicy).RequireAuthorization(Policies.Configure);
        group.MapPut("/policies/{id:guid}", UpdatePolicy).RequireAuthorization(Policies.Configure);
        group.MapPost("/policies/{id:guid}/evaluate", Evaluate).RequireAuthorization(Policies.Configure)
            .WithDescription("Queues a re-run of the policy over everything archived; follow it at the Location returned.");
        return app;
    }

    public static async Task<Ok<List<LexiconDto>>> ListLexicons(ConnectorsDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Lexicons.AsNoTracking().OrderBy(l => l.Name).ToListAsync(ct)).Select(LexiconDto.From).ToList());

    public static Ok<List<BuiltInLexiconDto>> ListBuiltInLexicons() => TypedResults.Ok(BuiltInLexicons.All.Select(BuiltInLexiconDto.From).ToList());

    public static async Task<Results<Ok<LexiconDto>, ProblemHttpResult>> GetLexicon(Guid id, ConnectorsDbContext db, CancellationToken ct) =>
        await db.Lexicons.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct) is { } lexicon
            ? TypedResults.Ok(LexiconDto.From(lexicon))
            : LexiconNotFound(id);

    public static async Task<Results<Created<LexiconDto>, ValidationProblem, ProblemHttpResult>> CreateLexicon(LexiconRequest request,
        ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = GovernanceValidation.Name(request.Name, errors);
        var terms = Terms(request.Terms, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (await LexiconNameTakenAsync(db, name!, null, ct))
        {
            return LexiconConflict(name!);
        }
        var now = clock.GetUtcNow();
        var lexicon = new LexiconDefinition { Name = name!, Terms = terms, CreatedAt = now, CreatedBy = http.Actor().Name, UpdatedAt = now };
        db.Lexicons.Add(lexicon);
        db.Record(http.Actor(), AuditActions.LexiconChanged, "lexicon", lexicon.Id.ToString(),
            new { change = "created", lexicon.Name, lexicon.Terms }, clock);
        if (await GovernanceValidation.SaveAsync(db, LexiconConflictText(name!), ct) is { } conflict)
        {
            return conflict;
        }
        return TypedResults.Created($"/api/compliance/supervision/lexicons/{lexicon.Id}", LexiconDto.From(lexicon));
    }

    /// <summary>Renames the lexicon and/or replaces its terms; the audit record lists the terms added and removed.</summary>
    public static async Task<Results<Ok<LexiconDto>, ValidationProblem, ProblemHttpResult>> UpdateLexicon(Guid id, LexiconRequest request,
        ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var lexicon = await db.Lexicons.FirstOrDefaultAsync(l => l.Id == id, ct);
        if (lexicon is null)
        {
            return LexiconNotFound(id);
        }
        var errors = new Dictionary<string, string[]>();
        var name = request.Name is null ? lexicon.Name : GovernanceValidation.Name(request.Name, errors);
        var terms = request.Terms is null ? lexicon.Terms : Terms(request.Terms, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (name != lexicon.Name && await LexiconNameTakenAsync(db, name!, id, ct))
        {
            return LexiconConflict(name!);
        }
        var added = terms.Except(lexicon.Terms).ToList();
        var removed = lexicon.Terms.Except(terms).ToList();
        var changed = new List<string>();
        GovernanceValidation.Change(changed, "name", name != lexicon.Name, () => lexicon.Name = name!);
        GovernanceValidation.Change(changed, "terms", !terms.SequenceEqual(lexicon.Terms), () => lexicon.Terms = terms);
        if (changed.Count > 0)
        {
            lexicon.UpdatedAt = clock.GetUtcNow();
            db.Record(http.Actor(), AuditActions.LexiconChanged, "lexicon", id.ToString(),
                new { change = "updated", changed, lexicon.Name, added, removed }, clock);
            if (await GovernanceValidation.SaveAsync(db, LexiconConflictText(lexicon.Name), ct) is { } conflict)
            {
                return conflict;
            }
        }
        return TypedResults.Ok(LexiconDto.From(lexicon));
    }

    public static async Task<Ok<List<SupervisionPolicyDto>>> ListPolicies(ConnectorsDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.SupervisionPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct)).Select(SupervisionPolicyDto.From).ToList());

    public static async Task<Results<Ok<SupervisionPolicyDto>, ProblemHttpResult>> GetPolicy(Guid id, ConnectorsDbContext db, CancellationToken ct) =>
        await db.SupervisionPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is { } policy
            ? TypedResults.Ok(SupervisionPolicyDto.From(policy))
            : PolicyNotFound(id);

    public static async Task<Results<Created<SupervisionPolicyDto>, ValidationProblem, ProblemHttpResult>> CreatePolicy(
        CreateSupervisionPolicyRequest request, ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = GovernanceValidation.Name(request.Name, errors);
        var lexiconIds = await LexiconIdsAsync(db, request.LexiconIds, errors, ct);
        var sourceTypes = GovernanceValidation.SourceTypes(request.SourceTypes, "sourceTypes", errors);
        var people = People(request.People, errors);
        var sampling = Sampling(request.SamplingPercent ?? 100, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (await PolicyNameTakenAsync(db, name!, null, ct))
        {
            return PolicyConflict(name!);
        }
        var now = clock.GetUtcNow();
        var policy = new SupervisionPolicy
        {
            Name = name!, Enabled = request.Enabled ?? true, LexiconIds = lexiconIds, SourceTypes = sourceTypes, People = people, SamplingPercent = sampling,
            CreatedAt = now, CreatedBy = http.Actor().Name, UpdatedAt = now,
        };
        db.SupervisionPolicies.Add(policy);
        db.Record(http.Actor(), AuditActions.SupervisionPolicyChanged, "supervision-policy", policy.Id.ToString(), Describe(policy, "created"), clock);
        if (await GovernanceValidation.SaveAsync(db, PolicyConflictText(name!), ct) is { } conflict)
        {
            return conflict;
        }
        return TypedResults.Created($"/api/compliance/supervision/policies/{policy.Id}", SupervisionPolicyDto.From(policy));
    }

    public static async Task<Results<Ok<SupervisionPolicyDto>, ValidationProblem, ProblemHttpResult>> UpdatePolicy(Guid id,
        UpdateSupervisionPolicyRequest request, ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var policy = await db.SupervisionPolicies.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null)
        {
            return PolicyNotFound(id);
        }
        var errors = new Dictionary<string, string[]>();
        var name = request.Name is null ? policy.Name : GovernanceValidation.Name(request.Name, errors);
        var lexiconIds = request.LexiconIds is null ? policy.LexiconIds : await LexiconIdsAsync(db, request.LexiconIds, errors, ct);
        var sourceTypes = request.SourceTypes is null ? policy.SourceTypes : GovernanceValidation.SourceTypes(request.SourceTypes, "sourceTypes", errors);
        var people = request.People is null ? policy.People : People(request.People, errors);
        var sampling = Sampling(request.SamplingPercent ?? policy.SamplingPercent, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (name != policy.Name && await PolicyNameTakenAsync(db, name!, id, ct))
        {
            return PolicyConflict(name!);
        }
        var changed = new List<string>();
        GovernanceValidation.Change(changed, "name", name != policy.Name, () => policy.Name = name!);
        GovernanceValidation.Change(changed, "lexiconIds", !lexiconIds.SequenceEqual(policy.LexiconIds), () => policy.LexiconIds = lexiconIds);
        GovernanceValidation.Change(changed, "sourceTypes", !sourceTypes.SequenceEqual(policy.SourceTypes), () => policy.SourceTypes = sourceTypes);
        GovernanceValidation.Change(changed, "people", !people.SequenceEqual(policy.People), () => policy.People = people);
        GovernanceValidation.Change(changed, "samplingPercent", sampling != policy.SamplingPercent, () => policy.SamplingPercent = sampling);
        GovernanceValidation.Change(changed, "enabled", request.Enabled is { } enabled && enabled != policy.Enabled, () => policy.Enabled = request.Enabled!.Value);
        if (changed.Count > 0)
        {
            policy.UpdatedAt = clock.GetUtcNow();
            db.Record(http.Actor(), AuditActions.SupervisionPolicyChanged, "supervision-policy", id.ToString(), Describe(policy, "updated", changed), clock);
            if (await GovernanceValidation.SaveAsync(db, PolicyConflictText(policy.Name), ct) is { } conflict)
            {
                return conflict;
            }
        }
        return TypedResults.Ok(SupervisionPolicyDto.From(policy));
    }

    public static async Task<Results<Accepted<PolicyEvaluationDto>, ProblemHttpResult>> Evaluate(Guid id, ConnectorsDbContext db, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        if (!await db.SupervisionPolicies.AnyAsync(p => p.Id == id, ct))
        {
            return PolicyNotFound(id);
        }
        var evaluation = await PolicyEvaluations.RequestAsync(db, PolicyKind.Supervision, id, http.Actor(), clock, ct);
        return EvaluationsApi.Accepted(evaluation);
    }

    /// <summary>Each term parsed as the matcher will read it (stored as its normalised text, duplicates dropped); errors under <c>terms[i]</c>.</summary>
    private static List<string> Terms(IReadOnlyList<string>? terms, Dictionary<string, string[]> errors)
    {
        if (terms is null || terms.Count == 0)
        {
            errors["terms"] = ["At least one term is required."];
            return [];
        }
        if (terms.Count > MaxTerms)
        {
            errors["terms"] = [$"At most {MaxTerms:N0} terms."];
            return [];
        }
        var parsed = new List<LexiconTerm>();
        for (var i = 0; i < terms.Count; i++)
        {
            if (!LexiconTerm.TryParse(terms[i], out var term, out var error))
            {
                errors[$"terms[{i}]"] = [error];
            }
            else if (!parsed.Contains(term))
            {
                parsed.Add(term);
            }
        }
        return parsed.Select(t => t.Text).ToList();
    }

    private static async Task<List<Guid>> LexiconIdsAsync(ConnectorsDbContext db, IReadOnlyList<Guid>? ids, Dictionary<string, string[]> errors,
        CancellationToken ct)
    {
        if (ids is null || ids.Count == 0)
        {
            errors["lexiconIds"] = ["At least one lexicon is required."];
            return [];
        }
        if (ids.Count > GovernanceValidation.MaxListLength)
        {
            errors["lexiconIds"] = [$"At most {GovernanceValidation.MaxListLength} entries."];
            return [];
        }
        var wanted = ids.Distinct().ToList();
        var existing = await db.Lexicons.Where(l => wanted.Contains(l.Id)).Select(l => l.Id).ToListAsync(ct);
        for (var i = 0; i < ids.Count; i++)
        {
            if (!existing.Contains(ids[i]))
            {
                errors[$"lexiconIds[{i}]"] = [$"Lexicon {ids[i]} does not exist."];
            }
        }
        return wanted;
    }

    /// <summary>Email addresses, lower case, duplicates dropped; errors under <c>people[i]</c>.</summary>
    private static List<string> People(IReadOnlyList<string>? people, Dictionary<string, string[]> errors)
    {
        var result = new List<string>();
        if (people is null)
        {
            return result;
        }
        if (people.Count > GovernanceValidation.MaxListLength)
        {
            errors["people"] = [$"At most {GovernanceValidation.MaxListLength} entries."];
            return result;
        }
        for (var i = 0; i < people.Count; i++)
        {
            var email = DirectoryApi.NormalizeEmail(people[i], out var error);
            if (error is not null)
            {
                errors[$"people[{i}]"] = [error];
            }
            else if (!result.Contains(email!))
            {
                result.Add(email!);
            }
        }
        return result;
    }

    private static int Sampling(int percent, Dictionary<string, string[]> errors)
    {
        if (percent is < 1 or > 100)
        {
            errors["samplingPercent"] = ["The sampling percentage is 1 to 100 (100 reviews every matching item)."];
        }
        return percent;
    }

    private static object Describe(SupervisionPolicy p, string change, List<string>? changed = null) => new
    {
        change, changed, p.Name, p.Enabled, p.LexiconIds, p.SourceTypes, p.People, p.SamplingPercent,
    };

    private static Task<bool> LexiconNameTakenAsync(ConnectorsDbContext db, string name, Guid? except, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        return db.Lexicons.AnyAsync(l => l.Name.ToLower() == lower && l.Id != except, ct);
    }

    private static Task<bool> PolicyNameTakenAsync(ConnectorsDbContext db, string name, Guid? except, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        return db.SupervisionPolicies.AnyAsync(p => p.Name.ToLower() == lower && p.Id != except, ct);
    }

    private static string LexiconConflictText(string name) => $"A lexicon named '{name}' already exists.";

    private static string PolicyConflictText(string name) => $"A supervision policy named '{name}' already exists.";

    private static ProblemHttpResult LexiconConflict(string name) => Problems.Field(StatusCodes.Status409Conflict, "Conflict", "name", LexiconConflictText(name));

    private static ProblemHttpResult PolicyConflict(string name) => Problems.Field(StatusCodes.Status409Conflict, "Conflict", "name", PolicyConflictText(name));

    private static ProblemHttpResult LexiconNotFound(Guid id) => Problems.NotFound($"Lexicon {id} does not exist.");

    private static ProblemHttpResult PolicyNotFound(Guid id) => Problems.NotFound($"Supervision policy {id} does not exist.");
}

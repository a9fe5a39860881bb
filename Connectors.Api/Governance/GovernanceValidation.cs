using Connectors.Connectors;
using Connectors.Data;
using Connectors.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Api.Governance;

/// <summary>Checks the governance APIs share; errors are added under the request field they concern.</summary>
internal static class GovernanceValidation
{
    public const int MaxNameLength = 200;
    public const int MaxListLength = 1000;

    /// <summary>The roles that may configure governance or work the review queue (reading policies and lexicons).</summary>
    public static readonly AuthorizationPolicy ConfigureOrReview = new AuthorizationPolicyBuilder()
        .RequireRole(Policies.RolesAllowed(Role.ComplianceAdministrator).Union(Policies.RolesAllowed(Role.ComplianceReviewer)))
        .Build();

    /// <summary>A trimmed name of 1 to 200 characters; null (and an error) otherwise.</summary>
    public static string? Name(string? text, Dictionary<string, string[]> errors, string field = "name", int maxLength = MaxNameLength)
    {
        var name = text?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > maxLength)
        {
            errors[field] = [$"A {field} of 1 to {maxLength} characters is required."];
            return null;
        }
        return name;
    }

    /// <summary>Parses an enum by name (any case); a missing value gives <paramref name="fallback"/>.</summary>
    public static TEnum? Enum<TEnum>(string? text, TEnum? fallback, string field, Dictionary<string, string[]> errors) where TEnum : struct, Enum
    {
        if (text is null)
        {
            return fallback;
        }
        // Names only: "1" is not an action anybody means.
        if (System.Enum.TryParse<TEnum>(text.Trim(), ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !int.TryParse(text, out _))
        {
            return value;
        }
        errors[field] = [$"'{text}' is not one of {string.Join(", ", System.Enum.GetNames<TEnum>())}."];
        return null;
    }

    /// <summary>Known source types, canonically spelled; each unknown one is reported as <c>field[i]</c>.</summary>
    public static List<string> SourceTypes(IReadOnlyList<string>? types, string field, Dictionary<string, string[]> errors)
    {
        var result = new List<string>();
        if (types is null)
        {
            return result;
        }
        if (types.Count > MaxListLength)
        {
            errors[field] = [$"At most {MaxListLength} entries."];
            return result;
        }
        for (var i = 0; i < types.Count; i++)
        {
            if (ConnectorTypes.Find(types[i]?.Trim()) is { } type)
            {
                if (!result.Contains(type.Id))
                {
                    result.Add(type.Id);
                }
            }
            else
            {
                errors[$"{field}[{i}]"] = [$"Unknown source type '{types[i]}'. Known types: {string.Join(", ", ConnectorTypes.All.Select(t => t.Id))}."];
            }
        }
        return result;
    }

    /// <summary>Connectors that exist (and are not deleted); each missing one is reported as <c>field[i]</c>.</summary>
    public static async Task<List<Guid>> ConnectorIdsAsync(ConnectorsDbContext db, IReadOnlyList<Guid>? ids, string field,
        Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (ids is null || ids.Count == 0)
        {
            return [];
        }
        if (ids.Count > MaxListLength)
        {
            errors[field] = [$"At most {MaxListLength} entries."];
            return [];
        }
        var wanted = ids.Distinct().ToList();
        var existing = await db.Connectors.Where(c => wanted.Contains(c.Id) && c.DeletedAt == null).Select(c => c.Id).ToListAsync(ct);
        for (var i = 0; i < ids.Count; i++)
        {
            if (!existing.Contains(ids[i]))
            {
                errors[$"{field}[{i}]"] = [$"Connector {ids[i]} does not exist."];
            }
        }
        return wanted;
    }

    /// <summary>Applies a change when the value differs, noting the field for the audit record.</summary>
    public static void Change(List<string> changed, string field, bool different, Action apply)
    {
        if (different)
        {
            apply();
            changed.Add(field);
        }
    }

    /// <summary>Saves; a unique-name race lost to another request is a 409 rather than a 500.</summary>
    public static async Task<ProblemHttpResult?> SaveAsync(ConnectorsDbContext db, string conflict, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict(conflict);
        }
    }

    /// <summary>A 400 naming one field, shaped like every other validation problem.</summary>
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}

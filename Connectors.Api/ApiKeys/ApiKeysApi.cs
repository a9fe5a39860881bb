using System.ComponentModel;
using Connectors.Api.Security;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Api.ApiKeys;

public sealed record CreateApiKeyRequest(
    [property: Description("What the key is for, e.g. \"HR push from Workday\".")] string? Name,
    [property: Description("GlobalAdministrator, ComplianceAdministrator or ComplianceViewer.")] Role? Role,
    [property: Description("When the key stops working. Default: 90 days from now; at most 2 years.")] DateTimeOffset? ExpiresAt = null);

public sealed record ApiKeyDto(Guid Id, string Name, Role Role, string KeyHint, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, bool Active);

/// <summary>Returned once, when the key is issued: the only time the key itself is shown.</summary>
public sealed record IssuedApiKeyDto(ApiKeyDto ApiKey, string Key);

public static class ApiKeysApi
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(90);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(730);

    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/compliance/apikeys").WithTags("API keys").RequireAuthorization(Policies.Administer);
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapDelete("/{id:guid}", Revoke);
        return app;
    }

    public static async Task<Ok<List<ApiKeyDto>>> List(ConnectorsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(keys.Select(k => k.ToDto(now)).ToList());
    }

    public static async Task<Results<Created<IssuedApiKeyDto>, ValidationProblem>> Create(
        CreateApiKeyRequest request, ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            errors["name"] = ["A name of 1 to 200 characters is required."];
        }
        if (request.Role is not { } role || !Enum.IsDefined(role))
        {
            errors["role"] = [$"A role is required: {string.Join(", ", Enum.GetNames<Role>())}."];
            role = default;
        }
        var expiresAt = request.ExpiresAt ?? now + DefaultLifetime;
        if (expiresAt <= now || expiresAt > now + MaxLifetime)
        {
            errors["expiresAt"] = [$"expiresAt must be in the future and at most {MaxLifetime.TotalDays:0} days away."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var secret = ApiKey.Generate();
        var actor = http.Actor();
        var key = new ApiKey
        {
            Name = name!,
            Role = role,
            KeyHint = secret[..8],
            KeyHash = ApiKey.Hash(secret),
            CreatedAt = now,
            CreatedBy = actor.Name,
            ExpiresAt = expiresAt.ToUniversalTime(),
        };
        db.ApiKeys.Add(key);
        db.Record(actor, AuditActions.ApiKeyIssued, "apikey", key.Id.ToString(), new { key.Name, key.Role, key.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/compliance/apikeys/{key.Id}", new IssuedApiKeyDto(key.ToDto(now), secret));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        Guid id, ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return Problems.NotFound($"API key {id} does not exist.");
        }
        if (key.RevokedAt is null)
        {
            key.RevokedAt = clock.GetUtcNow();
            db.Record(http.Actor(), AuditActions.ApiKeyRevoked, "apikey", id.ToString(), new { key.Name });
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.NoContent();
    }

    private static ApiKeyDto ToDto(this ApiKey k, DateTimeOffset now) =>
        new(k.Id, k.Name, k.Role, k.KeyHint, k.CreatedAt, k.CreatedBy, k.ExpiresAt, k.RevokedAt, k.LastUsedAt, k.IsActive(now));
}

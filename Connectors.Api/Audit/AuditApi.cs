using System.Text.Json;
using Connectors.Api.Connectors;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Api.Audit;

/// <summary>One audit record with its link in the hash chain: <c>hash</c> covers its fields and <c>prevHash</c>.</summary>
public sealed record AuditRecordDto(long Id, DateTimeOffset At, string Actor, string? ClientAddress, string Action,
    string TargetType, string? TargetId, JsonElement? Details, long Seq, string PrevHash, string Hash)
{
    public static AuditRecordDto From(AuditRecord a) => new(a.Id, a.At, a.Actor, a.ClientAddress, a.Action, a.TargetType, a.TargetId,
        a.Details is null ? null : JsonDocument.Parse(a.Details).RootElement.Clone(), a.Seq, a.PrevHash.Trim(), a.Hash.Trim());
}

public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/compliance/audit", List).WithTags("Audit").RequireAuthorization(Policies.Administer);
        return app;
    }

    /// <summary>Newest first; filter by <c>action</c> or <c>targetId</c>; page with <c>before</c>.</summary>
    public static async Task<Results<Ok<Page<AuditRecordDto>>, ValidationProblem>> List(
        ConnectorsDbContext db, int? limit, long? before, string? action, string? targetId, CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        var take = limit ?? 100;
        var query = db.AuditRecords.AsNoTracking();
        if (before is { } cursor)
        {
            query = query.Where(a => a.Id < cursor);
        }
        if (!string.IsNullOrEmpty(action))
        {
            query = query.Where(a => a.Action == action);
        }
        if (!string.IsNullOrEmpty(targetId))
        {
            query = query.Where(a => a.TargetId == targetId);
        }
        var records = await query.OrderByDescending(a => a.Id).Take(take + 1).ToListAsync(ct);
        var next = records.Count > take ? records[take - 1].Id.ToString() : null;
        return TypedResults.Ok(new Page<AuditRecordDto>(records.Take(take).Select(AuditRecordDto.From).ToList(), next));
    }
}

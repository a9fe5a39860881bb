using System.Text.Json;
using Connectors.Api.Connectors;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Governance.Integrity;
using Connectors.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Api.Governance;

public sealed record IntegrityCheckDto(long Id, IntegrityCheckStatus Status, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, long ItemsChecked, long BlobsChecked, long AuditRecordsChecked, string? AuditHeadHash, int ProblemCount,
    IReadOnlyList<IntegrityProblem> Problems, string? Error)
{
    private static readonly JsonSerializerOptions ProblemJson = new(JsonSerializerDefaults.Web);

    /// <summary>Lists carry the count only; the check itself lists every problem.</summary>
    public static IntegrityCheckDto From(IntegrityCheck c, bool withProblems) => new(c.Id, c.Status, c.RequestedBy, c.RequestedAt, c.StartedAt,
        c.FinishedAt, c.ItemsChecked, c.BlobsChecked, c.AuditRecordsChecked, c.AuditHeadHash?.Trim(), c.ProblemCount,
        withProblems ? JsonSerializer.Deserialize<List<IntegrityProblem>>(c.Problems, ProblemJson) ?? [] : [], c.Error);
}

/// <summary>The integrity verifier on demand: re-hashes items and blobs and walks the audit hash chain.</summary>
public static class IntegrityApi
{
    public static IEndpointRouteBuilder MapIntegrityApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/compliance/integrity").WithTags("Integrity").RequireAuthorization(Policies.Administer);
        group.MapPost("/checks", Request)
            .WithDescription("Queues a check for the worker; follow it at the Location returned.");
        group.MapGet("/checks", List);
        group.MapGet("/checks/{id:long}", Get)
            .WithDescription("Status, counts, the audit head hash (keep it elsewhere to anchor the chain) and every problem found.");
        return app;
    }

    public static async Task<Accepted<IntegrityCheckDto>> Request(ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var check = await IntegrityRequests.RequestAsync(db, http.Actor(), clock, ct);
        return TypedResults.Accepted($"/api/compliance/integrity/checks/{check.Id}", IntegrityCheckDto.From(check, withProblems: true));
    }

    /// <summary>Newest first; page with <c>before</c>.</summary>
    public static async Task<Results<Ok<Page<IntegrityCheckDto>>, ValidationProblem>> List(ConnectorsDbContext db, int? limit, long? before,
        CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        var take = limit ?? 50;
        var query = db.IntegrityChecks.AsNoTracking();
        if (before is { } cursor)
        {
            query = query.Where(c => c.Id < cursor);
        }
        var checks = await query.OrderByDescending(c => c.Id).Take(take + 1).ToListAsync(ct);
        var next = checks.Count > take ? checks[take - 1].Id.ToString() : null;
        return TypedResults.Ok(new Page<IntegrityCheckDto>(checks.Take(take).Select(c => IntegrityCheckDto.From(c, withProblems: false)).ToList(), next));
    }

    public static async Task<Results<Ok<IntegrityCheckDto>, ProblemHttpResult>> Get(long id, ConnectorsDbContext db, CancellationToken ct) =>
        await db.IntegrityChecks.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } check
            ? TypedResults.Ok(IntegrityCheckDto.From(check, withProblems: true))
            : Problems.NotFound($"Integrity check {id} does not exist.");
}

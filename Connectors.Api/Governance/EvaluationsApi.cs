using Connectors.Data;
using Connectors.Governance;
using Connectors.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Api.Governance;

/// <summary>Progress of DLP and supervision policy re-runs requested with <c>POST …/evaluate</c>.</summary>
public static class EvaluationsApi
{
    public static IEndpointRouteBuilder MapEvaluationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/compliance/governance/evaluations/{id:long}", Get)
            .WithTags("Governance").RequireAuthorization(Policies.Configure);
        return app;
    }

    public static async Task<Results<Ok<PolicyEvaluationDto>, ProblemHttpResult>> Get(long id, ConnectorsDbContext db, CancellationToken ct) =>
        await db.PolicyEvaluations.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct) is { } evaluation
            ? TypedResults.Ok(PolicyEvaluationDto.From(evaluation))
            : Problems.NotFound($"Policy evaluation {id} does not exist.");

    /// <summary>202 with the evaluation and where to follow it.</summary>
    internal static Accepted<PolicyEvaluationDto> Accepted(PolicyEvaluation evaluation) =>
        TypedResults.Accepted($"/api/compliance/governance/evaluations/{evaluation.Id}", PolicyEvaluationDto.From(evaluation));
}

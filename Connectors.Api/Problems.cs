using Microsoft.AspNetCore.Http.HttpResults;

namespace Connectors.Api;

/// <summary>ProblemDetails results (application/problem+json with a traceId) for the typed-result unions.</summary>
public static class Problems
{
    public static ProblemHttpResult ConnectorNotFound(Guid id) => NotFound($"Connector {id} does not exist.");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    /// <summary>A problem about one field, listed under <c>errors</c> like a validation problem.</summary>
    public static ProblemHttpResult Field(int statusCode, string title, string field, string detail) =>
        TypedResults.Problem(detail, statusCode: statusCode, title: title,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } });
}

public static class Paging
{
    public const int MaxLimit = 200;

    public static ValidationProblem? Check(int? limit) =>
        limit is < 1 or > MaxLimit
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxLimit}."] })
            : null;
}

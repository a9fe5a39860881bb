using Connectors.Api.Connectors;
using Connectors.Api.Security;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Evidence;
using Connectors.Runs;
using Connectors.Security;
using Connectors.Sources.Files;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace Connectors.Api.Files;

public sealed record DeliveredFileDto(Guid Id, Guid ConnectorId, string Name, long Size, string Sha256, DateTimeOffset ReceivedAt);

/// <summary>
/// Files pushed to a file-based connector (e.g. a Slack workspace export ZIP) instead of collected from SFTP.
/// The request body is streamed straight into the evidence store, so an export of gigabytes is never held in
/// memory; the worker imports it like a delivered file.
/// </summary>
public static class FilesApi
{
    /// <summary>Exports reach gigabytes; this endpoint's own limit (the server default is 30 MB).</summary>
    public const long MaxFileBytes = 20L * 1024 * 1024 * 1024;

    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/compliance/connectors/{id:guid}/files", Upload)
            .WithTags("Files")
            .RequireAuthorization(Policies.Configure)
            .DisableAntiforgery()
            // No content-type constraint (routing would answer 415 before authentication): the name says what it is.
            .WithMetadata(new RequestSizeLimitAttribute(MaxFileBytes));
        return app;
    }

    /// <summary>Send the file as the request body (<c>curl --data-binary @export.zip</c>) with its name in <c>?name=</c>.</summary>
    public static async Task<Results<Accepted<DeliveredFileDto>, ValidationProblem, ProblemHttpResult>> Upload(
        Guid id, string? name, HttpRequest request, ConnectorsDbContext db, IConnectionMultiplexer redis, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var connector = await db.Connectors.FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct);
        if (connector is null)
        {
            return Problems.ConnectorNotFound(id);
        }
        if (!VendorParsers.AcceptsUploads(connector.Type))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Wrong connector type", "id",
                $"Connector {id} is of type {connector.Type}, which does not take uploaded files.");
        }
        var fileName = Path.GetFileName(name ?? "");
        if (fileName.Length is 0 or > 300
            || !VendorParsers.For(connector.Type, null).Any(p => p.Accepts(fileName)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["name"] = [$"Give the file's name in ?name= (1 to 300 characters) in a form this connector reads (e.g. export.zip)."],
            });
        }

        var now = clock.GetUtcNow();
        var store = new EvidenceStore(db.Database.GetConnectionString()!);
        var stored = await store.StoreAsync(request.Body, id, null, $"{VendorFileSource.UploadPrefix}{Guid.CreateVersion7()}/{fileName}", null, now, ct);
        if (stored.Size == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The request body is empty: send the file as the body."] });
        }
        connector.RunRequestedAt = now;
        connector.RequestedTrigger = RunTrigger.Upload;
        db.Record(http.Actor(), AuditActions.FileUploaded, "connector", id.ToString(),
            new { evidenceFileId = stored.Id, fileName, stored.Size, stored.Sha256 });
        await db.SaveChangesAsync(ct);
        await ConnectorsApi.WakeWorkersAsync(redis);
        return TypedResults.Accepted($"/api/compliance/connectors/{id}/history",
            new DeliveredFileDto(stored.Id, id, fileName, stored.Size, stored.Sha256, now));
    }
}

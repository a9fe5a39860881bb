using System.Security.Cryptography;
using Connectors.Api.Connectors;
using Connectors.Audit;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Runs;
using Connectors.Security;
using Connectors.Sources.Badging;
using Connectors.Sources.Hr;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace Connectors.Api.Signals;

/// <summary>A record the connector refused, and why.</summary>
public sealed record BadgeRejectionDto(int Index, string? Field, string Error);

/// <summary>What happened to a pushed array: how many records were taken, and each refused one.</summary>
public sealed record BadgingResultDto(Guid? UploadId, int Records, int Accepted, int Rejected, IReadOnlyList<BadgeRejectionDto> Rejections);

/// <summary>
/// Physical badging events pushed as a JSON array, as Purview's physical badging connector takes them. Every
/// record is judged at once: 200 when all are taken, 207 with the refused ones when some are not. The body is
/// kept whole with its SHA-256, and the worker imports the accepted events (mapping, dedup, counts).
/// </summary>
public static class BadgingApi
{
    /// <summary>50,000 badge events are a few megabytes; anything bigger is refused before it is read.</summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    public static IEndpointRouteBuilder MapBadgingApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/compliance/connectors/{id:guid}/signals/physicalbadging", Push)
            .WithTags("Signals")
            .RequireAuthorization(Policies.Configure)
            .Accepts<object[]>("application/json")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBodyBytes));
        return app;
    }

    public static async Task<Results<Ok<BadgingResultDto>, JsonHttpResult<BadgingResultDto>, ValidationProblem, ProblemHttpResult>> Push(
        Guid id, HttpRequest request, ConnectorsDbContext db, IConnectionMultiplexer redis, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var connector = await db.Connectors.FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct);
        if (connector is null)
        {
            return Problems.ConnectorNotFound(id);
        }
        if (connector.Type != ConnectorTypes.PhysicalBadging)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Wrong connector type", "id",
                $"Connector {id} is of type {connector.Type}; badge events are taken by PhysicalBadging connectors.");
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var content = buffer.ToArray();
        var body = BadgingJson.Parse(content);
        if (body.Error is not null)
        {
            return BadgingJson.IsTooMany(body)
                ? Problems.Field(StatusCodes.Status413PayloadTooLarge, "Too many records", "body", body.Error)
                : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [body.Error] });
        }
        var rejections = body.Rows.Where(r => r.Record is null).Select(r => new BadgeRejectionDto(r.Index, r.Field, r.Error!)).ToList();
        Guid? uploadId = null;
        if (body.Accepted > 0)
        {
            var now = clock.GetUtcNow();
            var actor = http.Actor();
            var upload = new SignalUpload
            {
                ConnectorId = id, FileName = "physicalbadging.json", Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)), Size = content.Length,
                RowCount = body.Rows.Count, Content = content, ReceivedAt = now, ReceivedBy = actor.Name, Status = UploadStatus.Pending,
            };
            db.SignalUploads.Add(upload);
            connector.RunRequestedAt = now;
            connector.RequestedTrigger = RunTrigger.Upload;
            db.Record(actor, AuditActions.SignalsUploaded, "connector", id.ToString(),
                new { uploadId = upload.Id, upload.Sha256, upload.Size, records = body.Rows.Count, accepted = body.Accepted, rejected = body.Rejected });
            await db.SaveChangesAsync(ct);
            await ConnectorsApi.WakeWorkersAsync(redis);
            uploadId = upload.Id;
            http.Response.Headers.Location = $"/api/compliance/connectors/{id}/signals/uploads/{upload.Id}";
        }
        var result = new BadgingResultDto(uploadId, body.Rows.Count, body.Accepted, body.Rejected, rejections);
        return rejections.Count == 0 ? TypedResults.Ok(result) : TypedResults.Json(result, statusCode: StatusCodes.Status207MultiStatus);
    }
}

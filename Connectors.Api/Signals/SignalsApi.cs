using System.Security.Cryptography;
using Connectors.Api.Connectors;
using Connectors.Api.Security;
using Connectors.Audit;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Runs;
using Connectors.Security;
using Connectors.Sources.Hr;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace Connectors.Api.Signals;

public sealed record UploadDto(
    Guid Id, Guid ConnectorId, string FileName, string Sha256, long Size, int Rows, UploadStatus Status,
    DateTimeOffset ReceivedAt, string ReceivedBy, int RowsImported, int RowsDuplicate, int RowsFailed,
    RunDto? Run, IReadOnlyList<FailureDto> FailedRows);

/// <summary>
/// HR signals pushed as CSV (multipart field <c>file</c>), as Purview's HR connector takes them. The file
/// is checked at once, stored with its SHA-256 and imported by the worker; the upload's own resource shows
/// its run and per-row results.
/// </summary>
public static class SignalsApi
{
    /// <summary>50,000 rows of HR data fit comfortably; anything bigger is refused before it is read.</summary>
    public const long MaxUploadBytes = 64L * 1024 * 1024;

    public static IEndpointRouteBuilder MapSignalsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/compliance/connectors/{id:guid}/signals").WithTags("Signals");
        group.MapPost("/", Upload)
            .RequireAuthorization(Policies.Configure)
            .AcceptsUpload(MaxUploadBytes);
        group.MapGet("/uploads/{uploadId:guid}", GetUpload).RequireAuthorization(Policies.View);
        app.MapBadgingApi();
        return app;
    }

    public static async Task<Results<Accepted<UploadDto>, ValidationProblem, ProblemHttpResult>> Upload(
        Guid id, IFormFile? file, ConnectorsDbContext db, IConnectionMultiplexer redis, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var connector = await db.Connectors.FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct);
        if (connector is null)
        {
            return Problems.ConnectorNotFound(id);
        }
        if (connector.Type != ConnectorTypes.Hr)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Wrong connector type", "id",
                $"Connector {id} is of type {connector.Type}; CSV signals are taken by HR connectors.");
        }
        if (file is null || file.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Send the CSV as the multipart field 'file'."] });
        }

        using var buffer = new MemoryStream((int)Math.Min(file.Length, MaxUploadBytes));
        await file.CopyToAsync(buffer, ct);
        var content = buffer.ToArray();
        var columns = ConnectorSettings.Read<HrSettings>(connector).Columns;
        var (rows, problem) = HrCsv.Check(content, columns);
        if (problem is not null)
        {
            return problem.Kind == HrFileProblemKind.TooManyRows
                ? Problems.Field(StatusCodes.Status413PayloadTooLarge, "Too many rows", problem.Field, problem.Message)
                : TypedResults.ValidationProblem(new Dictionary<string, string[]> { [problem.Field] = [problem.Message] });
        }

        var now = clock.GetUtcNow();
        var actor = http.Actor();
        var upload = new SignalUpload
        {
            ConnectorId = id,
            FileName = Path.GetFileName(file.FileName) is { Length: > 0 } name ? name[..Math.Min(name.Length, 500)] : "upload.csv",
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
            Size = content.Length,
            RowCount = rows,
            Content = content,
            ReceivedAt = now,
            ReceivedBy = actor.Name,
            Status = UploadStatus.Pending,
        };
        db.SignalUploads.Add(upload);
        connector.RunRequestedAt = now;
        connector.RequestedTrigger = RunTrigger.Upload;
        db.Record(actor, AuditActions.SignalsUploaded, "connector", id.ToString(),
            new { uploadId = upload.Id, upload.FileName, upload.Sha256, upload.Size, rows });
        await db.SaveChangesAsync(ct);
        await ConnectorsApi.WakeWorkersAsync(redis);
        return TypedResults.Accepted($"/api/compliance/connectors/{id}/signals/uploads/{upload.Id}", ToDto(upload, null, []));
    }

    public static async Task<Results<Ok<UploadDto>, ProblemHttpResult>> GetUpload(Guid id, Guid uploadId, ConnectorsDbContext db, CancellationToken ct)
    {
        var upload = await db.SignalUploads.AsNoTracking()
            .Where(u => u.Id == uploadId && u.ConnectorId == id)
            .Select(u => new SignalUpload
            {
                Id = u.Id, ConnectorId = u.ConnectorId, FileName = u.FileName, Sha256 = u.Sha256, Size = u.Size,
                RowCount = u.RowCount, Content = Array.Empty<byte>(), ReceivedAt = u.ReceivedAt, ReceivedBy = u.ReceivedBy,
                Status = u.Status, RunId = u.RunId, RowsImported = u.RowsImported, RowsDuplicate = u.RowsDuplicate, RowsFailed = u.RowsFailed,
            })
            .FirstOrDefaultAsync(ct);
        if (upload is null)
        {
            return Problems.NotFound($"Upload {uploadId} of connector {id} does not exist.");
        }
        var run = upload.RunId is { } runId ? await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct) : null;
        var source = upload.Id.ToString();
        var failures = upload.RunId is { } failedRunId
            ? await db.Failures.AsNoTracking().Where(f => f.RunId == failedRunId && f.SourceFile == source)
                .OrderBy(f => f.RowNumber).Take(1000).ToListAsync(ct)
            : [];
        return TypedResults.Ok(ToDto(upload, run, failures));
    }

    private static UploadDto ToDto(SignalUpload u, ImportRun? run, IReadOnlyList<ImportFailure> failures) => new(
        u.Id, u.ConnectorId, u.FileName, u.Sha256, u.Size, u.RowCount, u.Status, u.ReceivedAt, u.ReceivedBy,
        u.RowsImported, u.RowsDuplicate, u.RowsFailed, run is null ? null : RunDto.From(run), failures.Select(FailureDto.From).ToList());
}

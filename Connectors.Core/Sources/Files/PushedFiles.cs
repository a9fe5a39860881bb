using Connectors.Evidence;
using Connectors.Imports;
using Connectors.Sources.Sftp;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Sources.Files;

/// <summary>
/// Files pushed through the API (<c>POST …/files</c>) are already in the evidence store: a run imports those its
/// connector has not processed yet, oldest first, exactly as it would a collected file.
/// </summary>
public static class PushedFiles
{
    public const string UploadPrefix = "upload:";

    public static async Task ImportAsync(ImportContext context, string type, VendorFileSettings settings, PgpPrivateKeyMaterial? pgp,
        Dictionary<string, DeliveredFile>? processed, CancellationToken cancellationToken)
    {
        processed ??= await context.Db.DeliveredFiles.AsNoTracking()
            .Where(f => f.ConnectorId == context.Connector.Id && f.SourcePath.StartsWith(UploadPrefix))
            .ToDictionaryAsync(f => f.SourcePath, cancellationToken);
        var pending = await context.Db.EvidenceFiles.AsNoTracking()
            .Where(f => f.ConnectorId == context.Connector.Id && f.SourcePath.StartsWith(UploadPrefix)
                && !context.Db.DeliveredFiles.Any(d => d.ConnectorId == f.ConnectorId && d.SourcePath == f.SourcePath))
            .OrderBy(f => f.ReceivedAt)
            .ToListAsync(cancellationToken);
        var evidence = new EvidenceStore(context.Db.Database.GetConnectionString()!);
        foreach (var upload in pending)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var run = new DeliveryRun(context, settings, evidence, pgp, null, processed);
            await run.ProcessStoredAsync(upload, upload.SourcePath[(upload.SourcePath.LastIndexOf('/') + 1)..],
                VendorParsers.For(type, settings), cancellationToken);
        }
    }
}

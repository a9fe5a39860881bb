using Connectors.Archive;
using Connectors.Data;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Benchmarks;

/// <summary>
/// What a first version would write: AddRange of entities and SaveChangesAsync per batch, a new context
/// each time. No dedup, no mapping, no placements.
/// </summary>
internal static class NaiveEfPath
{
    public static async Task RunAsync(DbContextOptions<ConnectorsDbContext> options, IReadOnlyList<SourceItem[]> batches, string sourceType,
        Guid connectorId, long runId, CancellationToken cancellationToken)
    {
        foreach (var batch in batches)
        {
            var now = DateTimeOffset.UtcNow;
            var rows = batch.Select(item => ArchiveRows.From(item, sourceType, connectorId, runId, now)).ToList();
            await using var db = new ConnectorsDbContext(options);
            db.Blobs.AddRange(rows.Select(r => r.Blob));
            db.Items.AddRange(rows.Select(r => r.Item));
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}

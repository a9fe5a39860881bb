using System.Security.Cryptography;
using System.Text;
using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Imports;
using Connectors.Mapping;
using Connectors.Sources.Hr;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Connectors.Sources.Badging;

/// <summary>
/// Imports the JSON arrays pushed to a physical badging connector. Each upload is one batch: its events, its
/// rejected records (counted as failed to parse, with the field at fault), its counters and its "imported"
/// mark commit together; the dedup key absorbs a replay or a second push of the same events.
/// </summary>
public sealed class BadgingSignalSource : IConnectorSource
{
    public string Type => ConnectorTypes.PhysicalBadging;

    public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var resolver = await IdentityResolver.LoadAsync(context.Db, context.Connector, cancellationToken);
        var waiting = await context.Db.BadgeEvents.AsNoTracking()
            .Where(e => e.ConnectorId == context.Connector.Id && e.AccountId == null)
            .Select(e => new { e.Id, e.UserId, e.EventTime })
            .ToListAsync(cancellationToken);
        await PushedSignals.ReleaseAsync(context, resolver, "badge_events", waiting.Select(e => (e.Id, e.UserId, e.EventTime)), cancellationToken);
        await PushedSignals.ImportPendingAsync(context, upload => ImportUploadAsync(context, resolver, upload, cancellationToken), cancellationToken);
    }

    private static async Task ImportUploadAsync(ImportContext context, IdentityResolver resolver, SignalUpload upload, CancellationToken cancellationToken)
    {
        using var activity = ImportRunner.ActivitySource.StartActivity("Import badging upload");
        activity?.SetTag("upload.id", upload.Id);
        var now = context.Clock.GetUtcNow();
        var events = new List<BadgeEvent>();
        var unmapped = new List<(SourceIdentity Person, DateTimeOffset At)>();
        var body = BadgingJson.Parse(upload.Content);
        if (body.Error is not null)
        {
            upload.RowsFailed++;
            context.FailedToParse(body.Error, itemId: upload.FileName, sourceFile: upload.Id.ToString());
        }
        foreach (var row in body.Rows)
        {
            if (row.Record is not { } record)
            {
                upload.RowsFailed++;
                context.FailedToParse(row.Error!, itemId: $"record {row.Index}", sourceFile: upload.Id.ToString(), rowNumber: row.Index, field: row.Field);
                continue;
            }
            // The UserId is the person's UPN or email: badging events map like every other source.
            if (!PushedSignals.TryAttribute(context, resolver, record.UserId, record.EventTime.Utc, unmapped, out var account))
            {
                continue;
            }
            events.Add(new BadgeEvent
            {
                DedupKey = DedupKey(record), ConnectorId = context.Connector.Id, UploadId = upload.Id, RunId = context.Run.Id, RecordIndex = row.Index,
                UserId = record.UserId, AccountId = account, AssetId = record.AssetId, AssetName = record.AssetName, EventTime = record.EventTime.Utc,
                EventTimeText = record.EventTime.Text, OffsetAssumed = record.EventTime.OffsetAssumed, AccessStatus = record.AccessStatus, ImportedAt = now,
            });
        }
        await PushedSignals.CommitUploadAsync(context, upload, events.Count, unmapped,
            (connection, transaction, ct) => InsertAsync(connection, transaction, events, ct), cancellationToken);
    }

    /// <summary>One set-based insert per upload; events whose dedup key exists are skipped by the database.</summary>
    private static async Task<(int Mapped, int Unmapped)> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<BadgeEvent> events,
        CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return (0, 0);
        }
        var distinct = events.DistinctBy(e => e.DedupKey).ToList();
        await using var command = new NpgsqlCommand("""
            INSERT INTO badge_events (dedup_key, connector_id, upload_id, run_id, record_index, user_id, account_id, asset_id, asset_name,
                                      event_time, event_time_text, offset_assumed, access_status, imported_at)
            SELECT * FROM unnest(@keys, @connectors, @uploads, @runs, @indexes, @users, @accounts, @assets, @assetNames,
                                 @times, @timeTexts, @assumed, @statuses, @importedAt)
            ON CONFLICT (dedup_key) DO NOTHING
            RETURNING account_id IS NULL
            """, connection, transaction);
        command.Parameters.AddWithValue("keys", distinct.Select(e => e.DedupKey).ToArray());
        command.Parameters.AddWithValue("connectors", distinct.Select(e => e.ConnectorId).ToArray());
        command.Parameters.AddWithValue("uploads", distinct.Select(e => e.UploadId).ToArray());
        command.Parameters.AddWithValue("runs", distinct.Select(e => e.RunId).ToArray());
        command.Parameters.AddWithValue("indexes", distinct.Select(e => e.RecordIndex).ToArray());
        command.Parameters.AddWithValue("users", distinct.Select(e => e.UserId).ToArray());
        command.Parameters.Add(new NpgsqlParameter("accounts", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = distinct.Select(e => e.AccountId).ToArray() });
        command.Parameters.AddWithValue("assets", distinct.Select(e => e.AssetId).ToArray());
        command.Parameters.Add(new NpgsqlParameter("assetNames", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = distinct.Select(e => e.AssetName).ToArray() });
        command.Parameters.AddWithValue("times", distinct.Select(e => e.EventTime).ToArray());
        command.Parameters.AddWithValue("timeTexts", distinct.Select(e => e.EventTimeText).ToArray());
        command.Parameters.AddWithValue("assumed", distinct.Select(e => e.OffsetAssumed).ToArray());
        command.Parameters.AddWithValue("statuses", distinct.Select(e => e.AccessStatus).ToArray());
        command.Parameters.AddWithValue("importedAt", distinct.Select(e => e.ImportedAt).ToArray());
        int mapped = 0, unmapped = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _ = reader.GetBoolean(0) ? unmapped++ : mapped++;
        }
        return (mapped, unmapped);
    }

    /// <summary>The event's identity: person, door, time (UTC) and outcome — not the connector, not the upload.</summary>
    internal static string DedupKey(BadgeRecord record)
    {
        var text = string.Join('\u001f', record.UserId.ToLowerInvariant(), record.AssetId, record.EventTime.Utc.ToString("O"), record.AccessStatus);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

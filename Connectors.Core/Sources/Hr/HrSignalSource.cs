using System.Security.Cryptography;
using System.Text;
using Connectors.Connectors;
using Connectors.Imports;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Connectors.Sources.Hr;

/// <summary>
/// Imports the CSV files pushed to an HR connector. Each upload is one batch: its signals, its failed
/// rows, its counters and its "imported" mark commit together, so a crash re-imports at most that file
/// and the dedup key absorbs the replay.
/// </summary>
public sealed class HrSignalSource : IConnectorSource
{
    public string Type => ConnectorTypes.Hr;

    public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var pending = await context.Db.SignalUploads
            .Where(u => u.ConnectorId == context.Connector.Id && u.Status == UploadStatus.Pending)
            .OrderBy(u => u.ReceivedAt).Select(u => u.Id)
            .ToListAsync(cancellationToken);

        foreach (var uploadId in pending)
        {
            var upload = await context.Db.SignalUploads.SingleAsync(u => u.Id == uploadId, cancellationToken);
            await ImportUploadAsync(context, upload, cancellationToken);
            context.Db.Entry(upload).State = EntityState.Detached;
        }
    }

    private static async Task ImportUploadAsync(ImportContext context, SignalUpload upload, CancellationToken cancellationToken)
    {
        using var activity = ImportRunner.ActivitySource.StartActivity("Import HR upload");
        activity?.SetTag("upload.id", upload.Id);
        var signals = new List<HrSignal>();
        var counts = context.Counts;
        var now = context.Clock.GetUtcNow();
        var columns = ConnectorSettings.Read<HrSettings>(context.Connector).Columns;
        foreach (var row in HrCsv.Parse(upload.Content, columns))
        {
            counts.ItemsFromSource++;
            counts.ItemsForImport++;
            if (row.Record is not { } record)
            {
                counts.ItemsFailedToParse++;
                counts.ItemsFailed++;
                upload.RowsFailed++;
                context.Fail(row.Error!, itemId: $"{upload.FileName} row {row.RowNumber}", sourceFile: upload.Id.ToString(),
                    rowNumber: row.RowNumber, field: row.Field);
                continue;
            }
            counts.ItemsParsed++;
            signals.Add(new HrSignal
            {
                DedupKey = DedupKey(record),
                ConnectorId = context.Connector.Id,
                UploadId = upload.Id,
                RunId = context.Run.Id,
                RowNumber = row.RowNumber,
                Scenario = record.Scenario,
                EmailAddress = record.EmailAddress,
                EventDate = record.ResignationDate.Utc,
                EventDateText = record.ResignationDate.Text,
                LastWorkingDate = record.LastWorkingDate?.Utc,
                LastWorkingDateText = record.LastWorkingDate?.Text,
                OffsetAssumed = record.ResignationDate.OffsetAssumed || record.LastWorkingDate?.OffsetAssumed == true,
                ImportedAt = now,
            });
        }

        upload.Status = UploadStatus.Imported;
        upload.RunId = context.Run.Id;
        await context.CommitAsync(async (connection, transaction, ct) =>
        {
            var inserted = await InsertAsync(connection, transaction, signals, ct);
            counts.ItemsImported += inserted;
            counts.ItemsSkippedDuplicate += signals.Count - inserted;
            upload.RowsImported = inserted;
            upload.RowsDuplicate = signals.Count - inserted;
        }, cancellationToken);
    }

    /// <summary>
    /// One set-based insert for the whole file (no per-entity SaveChanges); rows whose dedup key exists
    /// are skipped by the database, which is what makes re-pushing a file harmless.
    /// </summary>
    private static async Task<int> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<HrSignal> signals, CancellationToken cancellationToken)
    {
        if (signals.Count == 0)
        {
            return 0;
        }
        // A file may repeat a row: only its first occurrence can be new.
        var distinct = signals.DistinctBy(s => s.DedupKey).ToList();
        const string sql = """
            INSERT INTO hr_signals (dedup_key, connector_id, upload_id, run_id, row_number, scenario, email_address,
                                    event_date, event_date_text, last_working_date, last_working_date_text, offset_assumed, imported_at)
            SELECT * FROM unnest(@keys, @connectors, @uploads, @runs, @rows, @scenarios, @emails,
                                 @events, @eventTexts, @lastWorking, @lastWorkingTexts, @assumed, @importedAt)
            ON CONFLICT (dedup_key) DO NOTHING
            """;
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("keys", distinct.Select(s => s.DedupKey).ToArray());
        command.Parameters.AddWithValue("connectors", distinct.Select(s => s.ConnectorId).ToArray());
        command.Parameters.AddWithValue("uploads", distinct.Select(s => s.UploadId).ToArray());
        command.Parameters.AddWithValue("runs", distinct.Select(s => s.RunId).ToArray());
        command.Parameters.AddWithValue("rows", distinct.Select(s => s.RowNumber).ToArray());
        command.Parameters.AddWithValue("scenarios", distinct.Select(s => s.Scenario).ToArray());
        command.Parameters.AddWithValue("emails", distinct.Select(s => s.EmailAddress).ToArray());
        command.Parameters.Add(new NpgsqlParameter("events", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = distinct.Select(s => s.EventDate).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("eventTexts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = distinct.Select(s => s.EventDateText).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("lastWorking", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = distinct.Select(s => s.LastWorkingDate).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("lastWorkingTexts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = distinct.Select(s => s.LastWorkingDateText).ToArray() });
        command.Parameters.AddWithValue("assumed", distinct.Select(s => s.OffsetAssumed).ToArray());
        command.Parameters.AddWithValue("importedAt", distinct.Select(s => s.ImportedAt).ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The record's identity: scenario, person and the dates in UTC (not the connector, not the file).</summary>
    internal static string DedupKey(HrRecord record)
    {
        var text = string.Join('\u001f', record.Scenario, record.EmailAddress.ToLowerInvariant(),
            record.ResignationDate.Utc.ToString("O"), record.LastWorkingDate?.Utc.ToString("O") ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

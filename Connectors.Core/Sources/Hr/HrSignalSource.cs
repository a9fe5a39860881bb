using System.Security.Cryptography;
using System.Text;
using Connectors.Connectors;
using Connectors.Archive;
using Connectors.Imports;
using Connectors.Mapping;
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
        var resolver = await IdentityResolver.LoadAsync(context.Db, context.Connector, cancellationToken);
        await ReleaseAsync(context, resolver, cancellationToken);

        var pending = await context.Db.SignalUploads
            .Where(u => u.ConnectorId == context.Connector.Id && u.Status == UploadStatus.Pending)
            .OrderBy(u => u.ReceivedAt).Select(u => u.Id)
            .ToListAsync(cancellationToken);

        foreach (var uploadId in pending)
        {
            var upload = await context.Db.SignalUploads.SingleAsync(u => u.Id == uploadId, cancellationToken);
            await ImportUploadAsync(context, resolver, upload, cancellationToken);
            context.Db.Entry(upload).State = EntityState.Detached;
        }
    }

    private static async Task ImportUploadAsync(ImportContext context, IdentityResolver resolver, SignalUpload upload, CancellationToken cancellationToken)
    {
        using var activity = ImportRunner.ActivitySource.StartActivity("Import HR upload");
        activity?.SetTag("upload.id", upload.Id);
        var signals = new List<HrSignal>();
        var unmapped = new List<(SourceIdentity Person, DateTimeOffset At)>();
        var counts = context.Counts;
        var now = context.Clock.GetUtcNow();
        var columns = ConnectorSettings.Read<HrSettings>(context.Connector).Columns;
        foreach (var row in HrCsv.Parse(upload.Content, columns))
        {
            if (row.Record is not { } record)
            {
                upload.RowsFailed++;
                context.FailedToParse(row.Error!, itemId: $"{upload.FileName} row {row.RowNumber}", sourceFile: upload.Id.ToString(),
                    rowNumber: row.RowNumber, field: row.Field);
                continue;
            }
            counts.ItemsFromSource++;
            counts.ItemsParsed++;
            counts.ItemsForImport++;
            // Signals map like communications do; one nobody can be mapped to is kept (unattributed) and
            // counted as quarantined until a mapping attributes it.
            var person = new SourceIdentity(record.EmailAddress, null, record.EmailAddress);
            var account = resolver.Map(person, record.ResignationDate.Utc);
            if (account is { } mapped ? !resolver.InScope(mapped) : resolver.Settings.Unmapped == UnmappedPolicy.Drop)
            {
                counts.ItemsExcluded++;
                continue;
            }
            if (account is null)
            {
                unmapped.Add((person, record.ResignationDate.Utc));
            }
            signals.Add(new HrSignal
            {
                DedupKey = DedupKey(record),
                ConnectorId = context.Connector.Id,
                UploadId = upload.Id,
                RunId = context.Run.Id,
                RowNumber = row.RowNumber,
                Scenario = record.Scenario,
                EmailAddress = record.EmailAddress,
                AccountId = account,
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
            var (mapped, quarantined) = await InsertAsync(connection, transaction, signals, ct);
            await UnmappedWorklist.RecordAsync(connection, transaction, context.Connector.Id, unmapped, ct);
            counts.ItemsImported += mapped;
            counts.ItemsQuarantined += quarantined;
            counts.ItemsSkippedDuplicate += signals.Count - mapped - quarantined;
            upload.RowsImported = mapped + quarantined;
            upload.RowsDuplicate = signals.Count - mapped - quarantined;
        }, cancellationToken);
    }

    /// <summary>Attributes signals that were waiting for a mapping, now that one exists.</summary>
    private static async Task ReleaseAsync(ImportContext context, IdentityResolver resolver, CancellationToken cancellationToken)
    {
        var waiting = await context.Db.HrSignals.AsNoTracking()
            .Where(s => s.ConnectorId == context.Connector.Id && s.AccountId == null)
            .Select(s => new { s.Id, s.EmailAddress, s.EventDate })
            .ToListAsync(cancellationToken);
        var attributed = waiting
            .Select(s => (s.Id, s.EmailAddress, Account: resolver.Map(new SourceIdentity(s.EmailAddress, null, s.EmailAddress), s.EventDate ?? DateTimeOffset.MinValue)))
            .Where(s => s.Account is { } account && resolver.InScope(account))
            .ToList();
        if (attributed.Count == 0)
        {
            return;
        }
        await context.CommitAsync(async (connection, transaction, ct) =>
        {
            await using var command = new NpgsqlCommand("""
                UPDATE hr_signals s SET account_id = t.account FROM unnest(@ids, @accounts) AS t(id, account) WHERE s.id = t.id;
                DELETE FROM unmapped_identities WHERE connector_id = @connector AND source_id = ANY(@people);
                """, connection, transaction);
            command.Parameters.AddWithValue("ids", attributed.Select(a => a.Id).ToArray());
            command.Parameters.AddWithValue("accounts", attributed.Select(a => a.Account!.Value).ToArray());
            command.Parameters.AddWithValue("connector", context.Connector.Id);
            command.Parameters.AddWithValue("people", attributed.Select(a => a.EmailAddress).Distinct().ToArray());
            await command.ExecuteNonQueryAsync(ct);
            context.Run.ItemsReleasedFromQuarantine += attributed.Count;
        }, cancellationToken);
    }

    /// <summary>
    /// One set-based insert for the whole file (no per-entity SaveChanges); rows whose dedup key exists
    /// are skipped by the database, which is what makes re-pushing a file harmless.
    /// </summary>
    private static async Task<(int Mapped, int Unmapped)> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<HrSignal> signals, CancellationToken cancellationToken)
    {
        if (signals.Count == 0)
        {
            return (0, 0);
        }
        // A file may repeat a row: only its first occurrence can be new.
        var distinct = signals.DistinctBy(s => s.DedupKey).ToList();
        const string sql = """
            INSERT INTO hr_signals (dedup_key, connector_id, upload_id, run_id, row_number, scenario, email_address, account_id,
                                    event_date, event_date_text, last_working_date, last_working_date_text, offset_assumed, imported_at)
            SELECT * FROM unnest(@keys, @connectors, @uploads, @runs, @rows, @scenarios, @emails, @accounts,
                                 @events, @eventTexts, @lastWorking, @lastWorkingTexts, @assumed, @importedAt)
            ON CONFLICT (dedup_key) DO NOTHING
            RETURNING account_id IS NULL
            """;
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("keys", distinct.Select(s => s.DedupKey).ToArray());
        command.Parameters.AddWithValue("connectors", distinct.Select(s => s.ConnectorId).ToArray());
        command.Parameters.AddWithValue("uploads", distinct.Select(s => s.UploadId).ToArray());
        command.Parameters.AddWithValue("runs", distinct.Select(s => s.RunId).ToArray());
        command.Parameters.AddWithValue("rows", distinct.Select(s => s.RowNumber).ToArray());
        command.Parameters.AddWithValue("scenarios", distinct.Select(s => s.Scenario).ToArray());
        command.Parameters.AddWithValue("emails", distinct.Select(s => s.EmailAddress).ToArray());
        command.Parameters.Add(new NpgsqlParameter("accounts", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = distinct.Select(s => s.AccountId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("events", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = distinct.Select(s => s.EventDate).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("eventTexts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = distinct.Select(s => s.EventDateText).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("lastWorking", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = distinct.Select(s => s.LastWorkingDate).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("lastWorkingTexts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = distinct.Select(s => s.LastWorkingDateText).ToArray() });
        command.Parameters.AddWithValue("assumed", distinct.Select(s => s.OffsetAssumed).ToArray());
        command.Parameters.AddWithValue("importedAt", distinct.Select(s => s.ImportedAt).ToArray());
        int mapped = 0, unmapped = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _ = reader.GetBoolean(0) ? unmapped++ : mapped++;
        }
        return (mapped, unmapped);
    }

    /// <summary>The record's identity: scenario, person and the dates in UTC (not the connector, not the file).</summary>
    internal static string DedupKey(HrRecord record)
    {
        var text = string.Join('\u001f', record.Scenario, record.EmailAddress.ToLowerInvariant(),
            record.ResignationDate.Utc.ToString("O"), record.LastWorkingDate?.Utc.ToString("O") ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

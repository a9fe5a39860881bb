using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
        var waiting = await context.Db.HrSignals.AsNoTracking()
            .Where(s => s.ConnectorId == context.Connector.Id && s.AccountId == null)
            .Select(s => new { s.Id, s.EmailAddress, s.EventDate })
            .ToListAsync(cancellationToken);
        await PushedSignals.ReleaseAsync(context, resolver, "hr_signals",
            waiting.Select(s => (s.Id, s.EmailAddress, s.EventDate ?? DateTimeOffset.MinValue)), cancellationToken);
        await PushedSignals.ImportPendingAsync(context, upload => ImportUploadAsync(context, resolver, upload, cancellationToken), cancellationToken);
    }

    private static async Task ImportUploadAsync(ImportContext context, IdentityResolver resolver, SignalUpload upload, CancellationToken cancellationToken)
    {
        using var activity = ImportRunner.ActivitySource.StartActivity("Import HR upload");
        activity?.SetTag("upload.id", upload.Id);
        var signals = new List<HrSignal>();
        var unmapped = new List<(SourceIdentity Person, DateTimeOffset At)>();
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
            // The scenario's own date; a profile has none and is attributed as of its receipt.
            var at = record.EventDate?.Utc ?? upload.ReceivedAt;
            if (!PushedSignals.TryAttribute(context, resolver, record.EmailAddress, at, unmapped, out var account))
            {
                continue;
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
                EventDate = at,
                EventDateText = record.EventDate?.Text,
                LastWorkingDate = record.LastWorkingDate?.Utc,
                LastWorkingDateText = record.LastWorkingDate?.Text,
                EffectiveDate = record.EffectiveDate?.Utc,
                EffectiveDateText = record.EffectiveDate?.Text,
                Remarks = record.Remarks,
                OldLevel = record.OldLevel,
                NewLevel = record.NewLevel,
                Rating = record.Rating,
                Profile = record.Profile is { } profile ? JsonSerializer.Serialize(profile) : null,
                OffsetAssumed = record.OffsetAssumed,
                ImportedAt = now,
                RefreshedAt = now,
            });
        }

        await PushedSignals.CommitUploadAsync(context, upload, signals.Count, unmapped,
            (connection, transaction, ct) => InsertAsync(connection, transaction, signals, ct), cancellationToken);
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
        // An unchanged employee profile pushed again is a duplicate, yet it was received again: refresh it
        // so it keeps counting as the person's current profile.
        var profiles = distinct.Where(s => s.Profile is not null).ToList();
        if (profiles.Count > 0)
        {
            await using var refresh = new NpgsqlCommand(
                "UPDATE hr_signals SET refreshed_at = @now WHERE dedup_key = ANY(@keys) AND refreshed_at < @now", connection, transaction);
            refresh.Parameters.AddWithValue("now", profiles[0].RefreshedAt);
            refresh.Parameters.AddWithValue("keys", profiles.Select(s => s.DedupKey).ToArray());
            await refresh.ExecuteNonQueryAsync(cancellationToken);
        }
        const string sql = """
            INSERT INTO hr_signals (dedup_key, connector_id, upload_id, run_id, row_number, scenario, email_address, account_id,
                                    event_date, event_date_text, last_working_date, last_working_date_text,
                                    effective_date, effective_date_text, remarks, old_level, new_level, rating, profile,
                                    offset_assumed, imported_at, refreshed_at)
            SELECT * FROM unnest(@keys, @connectors, @uploads, @runs, @rows, @scenarios, @emails, @accounts,
                                 @events, @eventTexts, @lastWorking, @lastWorkingTexts,
                                 @effective, @effectiveTexts, @remarks, @oldLevels, @newLevels, @ratings, @profiles::jsonb[],
                                 @assumed, @importedAt, @refreshedAt)
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
        command.Parameters.Add(new NpgsqlParameter("effective", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = distinct.Select(s => s.EffectiveDate).ToArray() });
        command.Parameters.Add(Texts("effectiveTexts", distinct.Select(s => s.EffectiveDateText)));
        command.Parameters.Add(Texts("remarks", distinct.Select(s => s.Remarks)));
        command.Parameters.Add(Texts("oldLevels", distinct.Select(s => s.OldLevel)));
        command.Parameters.Add(Texts("newLevels", distinct.Select(s => s.NewLevel)));
        command.Parameters.Add(Texts("ratings", distinct.Select(s => s.Rating)));
        command.Parameters.Add(Texts("profiles", distinct.Select(s => s.Profile)));
        command.Parameters.AddWithValue("assumed", distinct.Select(s => s.OffsetAssumed).ToArray());
        command.Parameters.AddWithValue("importedAt", distinct.Select(s => s.ImportedAt).ToArray());
        command.Parameters.AddWithValue("refreshedAt", distinct.Select(s => s.RefreshedAt).ToArray());
        int mapped = 0, unmapped = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _ = reader.GetBoolean(0) ? unmapped++ : mapped++;
        }
        return (mapped, unmapped);
    }

    private static NpgsqlParameter Texts(string name, IEnumerable<string?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };

    /// <summary>
    /// The record's identity: scenario, person and the scenario's fields, dates in UTC (not the connector,
    /// not the file, not the row number). A changed profile is a new record; the same one again is not.
    /// </summary>
    internal static string DedupKey(HrRecord record)
    {
        // Resignations keep the key they always had, so records imported before other scenarios existed still match.
        IEnumerable<string> parts = [record.Scenario, record.EmailAddress.ToLowerInvariant(),
            record.ResignationDate?.Utc.ToString("O") ?? "", record.LastWorkingDate?.Utc.ToString("O") ?? ""];
        if (record.Scenario != HrCsv.Resignation)
        {
            parts = parts.Concat([record.EffectiveDate?.Utc.ToString("O") ?? "", record.Remarks ?? "", record.OldLevel ?? "",
                record.NewLevel ?? "", record.Rating ?? "",
                record.Profile is { } profile ? string.Join('\u001e', profile.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)) : ""]);
        }
        var text = string.Join('\u001f', parts);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

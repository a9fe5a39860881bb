using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectors.Mapping;
using Npgsql;
using NpgsqlTypes;

namespace Connectors.Archive;

/// <summary>What happened to each copy of a batch's items (a copy = one item for one mailbox).</summary>
public sealed record BatchOutcome(int Imported, int PartiallyImported, int Duplicates, int Quarantined, int Excluded);

/// <summary>One item of a batch with the mailboxes it goes to.</summary>
public sealed record ResolvedItem(SourceItem Item, Resolution Resolution);

/// <summary>
/// Writes a batch of items set-based inside the caller's transaction: binary COPY into a staging table,
/// then <c>INSERT … SELECT … ON CONFLICT DO NOTHING</c> into the archive (dedup by item key and version),
/// content once by SHA-256, then placements and quarantine. No per-entity SaveChanges.
/// </summary>
public static class ArchiveWriter
{
    public static async Task<BatchOutcome> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Guid connectorId, string sourceType, string folder, long runId, DateTimeOffset now,
        IReadOnlyList<ResolvedItem> batch, CancellationToken cancellationToken, List<(long ItemId, ResolvedItem Item)>? inserted = null)
    {
        var excluded = batch.Count(r => r.Resolution.Outcome == ResolutionOutcome.Excluded);
        // Out-of-scope and dropped items are not archived by this connector.
        var kept = batch.Where(r => r.Resolution.Outcome != ResolutionOutcome.Excluded).ToList();
        if (kept.Count == 0)
        {
            return new BatchOutcome(0, 0, 0, 0, excluded);
        }

        var rows = kept.Select((r, i) => StagedRow.From(i, sourceType, r.Item)).ToList();
        var insertedIds = new Dictionary<(string Key, string Version), long>();
        await StageAsync(connection, transaction, rows, cancellationToken);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO content_blobs (sha256, size, content)
            SELECT raw_sha256, raw_size, raw FROM staging_items
            ON CONFLICT (sha256) DO NOTHING
            """, cancellationToken);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO archive_items (item_key, version_hash, version_kind, connector_id, run_id, source_type, item_class,
                source_account, source_id, conversation_id, thread_id, parent_id, sender, recipients, sent_at, sent_at_text,
                ingested_at, subject, body_text, body_html, attachments, raw_sha256, raw_size, partial_reason, evidence_file_id)
            SELECT item_key, version_hash, version_kind, @connector, @run, @sourceType, @itemClass,
                source_account, source_id, conversation_id, thread_id, parent_id, sender, recipients, sent_at, sent_at_text,
                @now, subject, body_text, body_html, attachments, raw_sha256, raw_size, partial_reason, evidence_file_id
            FROM staging_items
            ON CONFLICT (item_key, version_hash) DO NOTHING
            RETURNING id, item_key, version_hash
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("connector", connectorId);
            insert.Parameters.AddWithValue("run", runId);
            insert.Parameters.AddWithValue("sourceType", sourceType);
            insert.Parameters.AddWithValue("itemClass", ArchivedItem.ItemClassOf(sourceType));
            insert.Parameters.AddWithValue("now", now);
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                insertedIds[(reader.GetString(1), reader.GetString(2))] = reader.GetInt64(0);
            }
        }
        var ids = await ItemIdsAsync(connection, transaction, rows, insertedIds, cancellationToken);

        // Each copy: a placement in one mailbox, or one quarantine entry when nobody could be mapped. Copies of
        // items this batch inserted cannot exist yet, so they go in by COPY; only copies of items that were
        // already archived (replays, duplicates within the batch) need ON CONFLICT to tell new from duplicate.
        var fresh = new List<(long ItemId, Guid AccountId)>();
        var replayItems = new List<long>();
        var replayAccounts = new List<Guid>();
        var freshItems = insertedIds.Values.ToHashSet();
        var quarantineItems = new List<long>();
        for (var i = 0; i < kept.Count; i++)
        {
            var isFresh = freshItems.Remove(ids[i]);
            if (isFresh)
            {
                inserted?.Add((ids[i], kept[i]));
            }
            foreach (var account in kept[i].Resolution.Mailboxes)
            {
                if (isFresh)
                {
                    fresh.Add((ids[i], account));
                }
                else
                {
                    replayItems.Add(ids[i]);
                    replayAccounts.Add(account);
                }
            }
            if (kept[i].Resolution.Outcome == ResolutionOutcome.Quarantined)
            {
                quarantineItems.Add(ids[i]);
            }
        }
        // Fresh copies first, so a duplicate later in the same batch meets them and counts as a duplicate.
        await CopyPlacementsAsync(connection, connectorId, folder, runId, now, fresh, cancellationToken);
        var newPlacements = await PlaceAsync(connection, transaction, connectorId, folder, runId, now, replayItems, replayAccounts, cancellationToken);
        newPlacements.UnionWith(fresh);
        var newQuarantine = await QuarantineAsync(connection, transaction, connectorId, runId, now, quarantineItems, cancellationToken);

        int imported = 0, partial = 0, duplicates = 0, quarantined = 0;
        for (var i = 0; i < kept.Count; i++)
        {
            var (item, resolution) = (kept[i].Item, kept[i].Resolution);
            foreach (var account in resolution.Mailboxes)
            {
                if (!newPlacements.Remove((ids[i], account)))
                {
                    duplicates++;
                }
                else if (item.PartialReason is not null)
                {
                    partial++;
                }
                else
                {
                    imported++;
                }
            }
            if (resolution.Outcome == ResolutionOutcome.Quarantined)
            {
                if (newQuarantine.Remove(ids[i]))
                {
                    quarantined++;
                }
                else
                {
                    duplicates++;
                }
            }
        }
        return new BatchOutcome(imported, partial, duplicates, quarantined, excluded);
    }

    /// <summary>Places already-archived items in mailboxes; returns the placements that are new.</summary>
    public static async Task<HashSet<(long ItemId, Guid AccountId)>> PlaceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Guid connectorId, string folder, long runId, DateTimeOffset now, List<long> items, List<Guid> accounts, CancellationToken cancellationToken)
    {
        var created = new HashSet<(long, Guid)>();
        if (items.Count == 0)
        {
            return created;
        }
        await using var command = new NpgsqlCommand("""
            INSERT INTO mailbox_placements (item_id, account_id, folder, connector_id, run_id, placed_at)
            SELECT i, a, @folder, @connector, @run, @now FROM unnest(@items, @accounts) AS t(i, a)
            ON CONFLICT (item_id, account_id) DO NOTHING
            RETURNING item_id, account_id
            """, connection, transaction);
        command.Parameters.AddWithValue("folder", folder);
        command.Parameters.AddWithValue("connector", connectorId);
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("items", items.ToArray());
        command.Parameters.AddWithValue("accounts", accounts.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            created.Add((reader.GetInt64(0), reader.GetGuid(1)));
        }
        return created;
    }

    /// <summary>Writes placements known to be new with binary COPY (the integrity trigger still checks them).</summary>
    private static async Task CopyPlacementsAsync(NpgsqlConnection connection, Guid connectorId, string folder, long runId,
        DateTimeOffset now, List<(long ItemId, Guid AccountId)> placements, CancellationToken cancellationToken)
    {
        if (placements.Count == 0)
        {
            return;
        }
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY mailbox_placements (item_id, account_id, folder, connector_id, run_id, placed_at) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var (itemId, accountId) in placements)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(itemId, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(accountId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(folder, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(connectorId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(runId, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task<HashSet<long>> QuarantineAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Guid connectorId, long runId, DateTimeOffset now, List<long> items, CancellationToken cancellationToken)
    {
        var created = new HashSet<long>();
        if (items.Count == 0)
        {
            return created;
        }
        await using var command = new NpgsqlCommand("""
            INSERT INTO quarantined_items (connector_id, item_id, run_id, quarantined_at)
            SELECT @connector, i, @run, @now FROM unnest(@items) AS t(i)
            ON CONFLICT (connector_id, item_id) DO NOTHING
            RETURNING item_id
            """, connection, transaction);
        command.Parameters.AddWithValue("connector", connectorId);
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("items", items.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            created.Add(reader.GetInt64(0));
        }
        return created;
    }

    /// <summary>
    /// The archive id of every staged row: new rows come from the insert's RETURNING; only rows that were
    /// already archived (replays, duplicates) are looked up.
    /// </summary>
    private static async Task<long[]> ItemIdsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<StagedRow> rows,
        Dictionary<(string Key, string Version), long> inserted, CancellationToken cancellationToken)
    {
        var ids = new long[rows.Count];
        var missing = new List<int>();
        foreach (var row in rows)
        {
            if (inserted.TryGetValue((row.ItemKey, row.VersionHash), out var id))
            {
                ids[row.Ordinal] = id;
            }
            else
            {
                missing.Add(row.Ordinal);
            }
        }
        if (missing.Count == 0)
        {
            return ids;
        }
        await using var command = new NpgsqlCommand("""
            SELECT s.ordinal, a.id FROM staging_items s
            JOIN archive_items a ON a.item_key = s.item_key AND a.version_hash = s.version_hash
            WHERE s.ordinal = ANY(@ordinals)
            """, connection, transaction);
        command.Parameters.AddWithValue("ordinals", missing.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids[reader.GetInt32(0)] = reader.GetInt64(1);
        }
        return ids;
    }

    private static async Task StageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<StagedRow> rows, CancellationToken cancellationToken)
    {
        // The hash columns have the archive's own type, so the id lookup below can use its unique index.
        await ExecuteAsync(connection, transaction, """
            CREATE TEMP TABLE staging_items (
                ordinal int, item_key text, version_hash character(64), version_kind text, source_account text, source_id text,
                conversation_id text, thread_id text, parent_id text, sender jsonb, recipients jsonb, sent_at timestamptz,
                sent_at_text text, subject text, body_text text, body_html text, attachments jsonb, raw_sha256 character(64),
                raw_size bigint, raw bytea, partial_reason text, evidence_file_id uuid) ON COMMIT DROP
            """, cancellationToken);
        await using var importer = await connection.BeginBinaryImportAsync("""
            COPY staging_items (ordinal, item_key, version_hash, version_kind, source_account, source_id, conversation_id,
                thread_id, parent_id, sender, recipients, sent_at, sent_at_text, subject, body_text, body_html, attachments,
                raw_sha256, raw_size, raw, partial_reason, evidence_file_id) FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(row.Ordinal, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(row.ItemKey, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(row.VersionHash, NpgsqlDbType.Char, cancellationToken);
            await importer.WriteAsync(row.Item.Kind.ToString(), NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(row.Item.SourceAccount, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(row.Item.SourceId, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(importer, row.Item.ConversationId, cancellationToken);
            await WriteNullableAsync(importer, row.Item.ThreadId, cancellationToken);
            await WriteNullableAsync(importer, row.Item.ParentId, cancellationToken);
            await importer.WriteAsync(row.Sender, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync(row.Recipients, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync(row.Item.SentAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(importer, row.Item.SentAtText, cancellationToken);
            await WriteNullableAsync(importer, row.Item.Subject, cancellationToken);
            await WriteNullableAsync(importer, row.Item.BodyText, cancellationToken);
            await WriteNullableAsync(importer, row.Item.BodyHtml, cancellationToken);
            await importer.WriteAsync(row.Attachments, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync(row.RawSha256, NpgsqlDbType.Char, cancellationToken);
            await importer.WriteAsync((long)row.Item.Raw.Length, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(row.Item.Raw.ToArray(), NpgsqlDbType.Bytea, cancellationToken);
            await WriteNullableAsync(importer, row.Item.PartialReason, cancellationToken);
            if (row.Item.EvidenceFileId is { } evidence)
            {
                await importer.WriteAsync(evidence, NpgsqlDbType.Uuid, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record StagedRow(int Ordinal, SourceItem Item, string ItemKey, string VersionHash, string RawSha256,
        string Sender, string Recipients, string Attachments)
    {
        public static StagedRow From(int ordinal, string sourceType, SourceItem item)
        {
            var rawSha = Convert.ToHexStringLower(SHA256.HashData(item.Raw.Span));
            // The source's edit marker names the version when it has one; otherwise the raw bytes do.
            var version = item.VersionMarker is null
                ? rawSha
                : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{item.Kind}:{item.VersionMarker}")));
            return new StagedRow(ordinal, item, ArchivedItem.KeyOf(sourceType, item.SourceAccount, item.SourceId), version, rawSha,
                JsonSerializer.Serialize(item.Sender, JsonSerializerOptions.Web),
                JsonSerializer.Serialize(item.Recipients, JsonSerializerOptions.Web),
                JsonSerializer.Serialize(item.Attachments, JsonSerializerOptions.Web));
        }
    }
}

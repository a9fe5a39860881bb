using Connectors.Archive;
using Npgsql;
using NpgsqlTypes;

namespace Connectors.Benchmarks;

/// <summary>
/// The floor to compare the pipeline with: binary COPY straight into content_blobs and then archive_items
/// (the foreign key wants the blob first), one transaction per batch. No dedup, no mapping, no placements.
/// </summary>
internal static class RawCopyPath
{
    public static async Task RunAsync(NpgsqlDataSource dataSource, IReadOnlyList<SourceItem[]> batches, string sourceType,
        Guid connectorId, long runId, CancellationToken cancellationToken)
    {
        foreach (var batch in batches)
        {
            var now = DateTimeOffset.UtcNow;
            var rows = batch.Select(item => ArchiveRows.From(item, sourceType, connectorId, runId, now)).ToList();
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var blobs = await connection.BeginBinaryImportAsync(
                "COPY content_blobs (sha256, size, content) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var (_, blob) in rows)
                {
                    await blobs.StartRowAsync(cancellationToken);
                    await blobs.WriteAsync(blob.Sha256, NpgsqlDbType.Text, cancellationToken);
                    await blobs.WriteAsync(blob.Size, NpgsqlDbType.Bigint, cancellationToken);
                    await blobs.WriteAsync(blob.Content, NpgsqlDbType.Bytea, cancellationToken);
                }
                await blobs.CompleteAsync(cancellationToken);
            }
            await using (var items = await connection.BeginBinaryImportAsync("""
                COPY archive_items (item_key, version_hash, version_kind, connector_id, run_id, source_type, item_class,
                    source_account, source_id, conversation_id, thread_id, parent_id, sender, recipients, sent_at, sent_at_text,
                    ingested_at, subject, body_text, body_html, attachments, raw_sha256, raw_size, partial_reason)
                FROM STDIN (FORMAT BINARY)
                """, cancellationToken))
            {
                foreach (var (row, _) in rows)
                {
                    await items.StartRowAsync(cancellationToken);
                    await items.WriteAsync(row.ItemKey, NpgsqlDbType.Text, cancellationToken);
                    await items.WriteAsync(row.VersionHash, NpgsqlDbType.Text, cancellationToken);
                    await items.WriteAsync(row.VersionKind.ToString(), NpgsqlDbType.Text, cancellationToken);
                    await items.WriteAsync(row.ConnectorId, NpgsqlDbType.Uuid, cancellationToken);
                    await items.WriteAsync(row.RunId, NpgsqlDbType.Bigint, cancellationToken);
                    await items.WriteAsync(row.SourceType, NpgsqlDbType.Text, cancellationToken);
                    await items.WriteAsync(row.ItemClass, NpgsqlDbType.Text, cancellationToken);
                    await items.WriteAsync(row.SourceAccount, NpgsqlDbType.Text, cancellationToken);
                    await items.WriteAsync(row.SourceId, NpgsqlDbType.Text, cancellationToken);
                    await WriteNullableAsync(items, row.ConversationId, cancellationToken);
                    await WriteNullableAsync(items, row.ThreadId, cancellationToken);
                    await WriteNullableAsync(items, row.ParentId, cancellationToken);
                    await items.WriteAsync(row.Sender, NpgsqlDbType.Jsonb, cancellationToken);
                    await items.WriteAsync(row.Recipients, NpgsqlDbType.Jsonb, cancellationToken);
                    await items.WriteAsync(row.SentAt, NpgsqlDbType.TimestampTz, cancellationToken);
                    await WriteNullableAsync(items, row.SentAtText, cancellationToken);
                    await items.WriteAsync(row.IngestedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                    await WriteNullableAsync(items, row.Subject, cancellationToken);
                    await WriteNullableAsync(items, row.BodyText, cancellationToken);
                    await WriteNullableAsync(items, row.BodyHtml, cancellationToken);
                    await items.WriteAsync(row.Attachments, NpgsqlDbType.Jsonb, cancellationToken);
                    await items.WriteAsync(row.RawSha256, NpgsqlDbType.Text, cancellationToken);
                    await items.WriteAsync(row.RawSize, NpgsqlDbType.Bigint, cancellationToken);
                    await WriteNullableAsync(items, row.PartialReason, cancellationToken);
                }
                await items.CompleteAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}

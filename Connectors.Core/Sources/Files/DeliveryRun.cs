using Connectors.Archive;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Connectors.Evidence;
using Connectors.Imports;
using Connectors.Sources.Sftp;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Sources.Files;

/// <summary>
/// The files of one vendor delivery (one folder and date) in one run: attachment archives, data files and
/// control totals, each kept as evidence, decrypted, parsed and committed with its "processed" mark.
/// </summary>
internal sealed class DeliveryRun(ImportContext context, VendorFileSettings settings, EvidenceStore evidence,
    PgpPrivateKeyMaterial? pgp, SftpFileStore? store, IReadOnlyDictionary<string, DeliveredFile> processed)
{
    private const int MaxArchiveEntries = 1_000_000;

    private readonly Dictionary<string, DeliveredAttachment> _attachments = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ControlTotal> _totals = [];
    private readonly Dictionary<string, long> _itemsRead = new(StringComparer.Ordinal);

    public async Task ProcessAsync(RemoteFile file, IReadOnlyList<IVendorFileParser> parsers, CancellationToken cancellationToken)
    {
        EvidenceFile stored;
        await using (var remote = await store!.OpenReadAsync(file.Path, cancellationToken))
        {
            stored = await evidence.StoreAsync(remote, context.Connector.Id, context.Run.Id, file.Path, file.ModifiedUtc,
                context.Clock.GetUtcNow(), cancellationToken);
        }
        await ProcessStoredAsync(stored, file.Name, parsers, cancellationToken);
    }

    /// <summary>Imports a file already in the evidence store: collected just now, or pushed through the API.</summary>
    public async Task ProcessStoredAsync(EvidenceFile stored, string fileName, IReadOnlyList<IVendorFileParser> parsers,
        CancellationToken cancellationToken)
    {
        using var activity = ImportRunner.ActivitySource.StartActivity("Import vendor file");
        activity?.SetTag("file.path", stored.SourcePath);
        if (processed.TryGetValue(stored.SourcePath, out var seen) && seen.Sha256 == stored.Sha256)
        {
            // Touched but not changed: the content was imported before. Keep the new time so it is not fetched again.
            await MarkAsync(stored, seen.Outcome, seen.ItemsRead, seen.Reason, cancellationToken);
            _itemsRead[stored.SourcePath] = seen.ItemsRead;
            return;
        }

        var encrypted = PgpDecryptor.LooksEncrypted(fileName);
        var name = encrypted ? PgpDecryptor.DecryptedName(fileName) : fileName;
        var (items, failure) = encrypted ? VerifyIntegrity(stored) : (0, null);
        if (failure is null)
        {
            (items, failure) = name.Contains(".tar", StringComparison.OrdinalIgnoreCase)
                ? await ReadAttachmentsAsync(stored, encrypted, cancellationToken)
                : await ParseAsync(stored, encrypted, name, parsers, cancellationToken);
        }
        if (failure is not null)
        {
            // The file (or the rest of it) could not be read: one failed item with the reason.
            context.FailedToParse(failure, itemId: stored.SourcePath, sourceFile: stored.SourcePath);
        }
        _itemsRead[stored.SourcePath] = items;
        var outcome = failure is null ? DeliveredFileOutcome.Imported : items > 0 ? DeliveredFileOutcome.Partial : DeliveredFileOutcome.Failed;
        await MarkAsync(stored, outcome, items, failure, cancellationToken);
    }

    /// <summary>Records the source's control totals against what the delivery's data files held.</summary>
    public void ReconcileDelivery(IEnumerable<RemoteFile> deliveryFiles)
    {
        if (_totals.Count == 0)
        {
            return;
        }
        var dataFiles = deliveryFiles.Where(f => VendorFileSource.Stage(f.Name) == 1).ToList();
        var actual = dataFiles.Sum(f => _itemsRead.TryGetValue(f.Path, out var n) ? n : processed.GetValueOrDefault(f.Path)?.ItemsRead ?? 0);
        foreach (var group in _totals.GroupBy(t => t.What))
        {
            var where = string.Join(", ", dataFiles.Select(f => f.Name));
            context.Reconcile($"{group.Key} in {(where.Length > 0 ? where : "no data file")}", group.Sum(t => t.Expected), actual);
        }
    }

    /// <summary>
    /// Decrypts the whole file once without using it: a file that was tampered with or truncated must not
    /// put a single item in the archive, and a multi-GB file cannot be held until its end is verified.
    /// </summary>
    private (long, string?) VerifyIntegrity(EvidenceFile stored)
    {
        if (pgp is null)
        {
            return (0, "The file is PGP-encrypted but the connector has no PGP private key (credentials.pgpPrivateKey).");
        }
        try
        {
            using var raw = evidence.OpenRead(stored);
            using var plain = PgpDecryptor.OpenDecrypted(raw, pgp);
            plain.CopyTo(Stream.Null);
            return (0, null);
        }
        catch (PgpDecryptionException ex)
        {
            return (0, $"Cannot decrypt: {ex.Message}");
        }
    }

    private Stream Open(EvidenceFile stored, bool encrypted)
    {
        var raw = evidence.OpenRead(stored);
        return encrypted ? PgpDecryptor.OpenDecrypted(raw, pgp!) : raw;
    }

    private async Task<(long Items, string? Failure)> ParseAsync(EvidenceFile stored, bool encrypted, string name,
        IReadOnlyList<IVendorFileParser> parsers, CancellationToken cancellationToken)
    {
        var parser = parsers.FirstOrDefault(p => p.Accepts(name));
        if (parser is null)
        {
            return (0, $"No parser for a file named {name}; check the connector's file patterns.");
        }
        long items = 0;
        string? stopped = null;
        var batch = new List<Archive.SourceItem>(VendorFileSource.BatchSize);
        await using var content = Open(stored, encrypted);
        var parseContext = new FileParseContext(settings.SourceAccount!, name, stored.Id, _attachments);
        foreach (var entry in parser.Parse(content, parseContext, cancellationToken))
        {
            switch (entry)
            {
                case ParsedItem parsed:
                    items++;
                    batch.Add(parsed.Item);
                    if (batch.Count == VendorFileSource.BatchSize)
                    {
                        await context.ImportBatchAsync(batch, null, cancellationToken);
                        batch.Clear();
                    }
                    break;
                case ParseFailure { StopsFile: true } failure:
                    stopped = failure.Line is { } line ? $"{failure.Reason} (line {line})" : failure.Reason;
                    break;
                case ParseFailure failure:
                    items++;
                    context.FailedToParse(failure.Reason, failure.ItemId, stored.SourcePath, failure.Line);
                    break;
                case ControlTotal total:
                    _totals.Add(total);
                    break;
            }
        }
        if (batch.Count > 0)
        {
            await context.ImportBatchAsync(batch, null, cancellationToken);
        }
        return (items, stopped);
    }

    /// <summary>
    /// Stores each attachment of an archive (e.g. Bloomberg's <c>.att.tar.gz</c>) once by SHA-256 and remembers
    /// it by its vendor file id (the entry's name) for the messages that reference it. Nothing is written to
    /// disk, so entry paths cannot escape anywhere; links and devices are ignored; oversized entries are left
    /// out (their items are then partially imported).
    /// </summary>
    private async Task<(long Items, string? Failure)> ReadAttachmentsAsync(EvidenceFile stored, bool encrypted, CancellationToken cancellationToken)
    {
        var entries = 0;
        try
        {
            await using var content = Open(stored, encrypted);
            await using var gzip = new GZipStream(content, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (++entries > MaxArchiveEntries)
                {
                    return (0, $"The archive has more than {MaxArchiveEntries:N0} entries; refused.");
                }
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }
                var fileId = Path.GetFileName(entry.Name);
                if (entry.Length > settings.MaxAttachmentBytes)
                {
                    continue;
                }
                // One array of the entry's size (at most MaxAttachmentBytes, 1 GB): never a second copy.
                var bytes = new byte[entry.Length];
                await entry.DataStream.ReadExactlyAsync(bytes, cancellationToken);
                var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
                await ContentStore.StoreAsync(context.Db.Database.GetConnectionString()!, sha, bytes.Length, new MemoryStream(bytes, writable: false),
                    cancellationToken);
                _attachments[fileId] = new DeliveredAttachment(fileId, fileId, bytes.Length, sha);
            }
            return (0, null);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException or PgpDecryptionException)
        {
            return (0, $"Cannot read the attachment archive: {ex.Message}");
        }
    }

    /// <summary>The file's "processed" mark commits with the run's counters and pending failures.</summary>
    private Task MarkAsync(EvidenceFile stored, DeliveredFileOutcome outcome, long items, string? reason,
        CancellationToken cancellationToken) =>
        context.CommitAsync(async (connection, transaction, ct) =>
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO delivered_files (connector_id, source_path, size, source_modified_at, sha256, evidence_file_id, run_id,
                    processed_at, outcome, items_read, reason)
                VALUES (@connector, @path, @size, @modified, @sha, @evidence, @run, @now, @outcome, @items, @reason)
                ON CONFLICT (connector_id, source_path) DO UPDATE SET size = excluded.size, source_modified_at = excluded.source_modified_at,
                    sha256 = excluded.sha256, evidence_file_id = excluded.evidence_file_id, run_id = excluded.run_id,
                    processed_at = excluded.processed_at, outcome = excluded.outcome, items_read = excluded.items_read, reason = excluded.reason
                """, connection, transaction);
            command.Parameters.AddWithValue("connector", context.Connector.Id);
            command.Parameters.AddWithValue("path", stored.SourcePath);
            command.Parameters.AddWithValue("size", stored.Size);
            command.Parameters.AddWithValue("modified", (object?)stored.SourceModifiedAt ?? DBNull.Value);
            command.Parameters.AddWithValue("sha", stored.Sha256);
            command.Parameters.AddWithValue("evidence", stored.Id);
            command.Parameters.AddWithValue("run", context.Run.Id);
            command.Parameters.AddWithValue("now", context.Clock.GetUtcNow());
            command.Parameters.AddWithValue("outcome", outcome.ToString());
            command.Parameters.AddWithValue("items", items);
            command.Parameters.AddWithValue("reason", (object?)reason ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
}

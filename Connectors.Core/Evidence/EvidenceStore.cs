using System.Buffers;
using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace Connectors.Evidence;

/// <summary>
/// Streams delivered files into PostgreSQL in fixed-size chunks while hashing them, and streams them back.
/// Memory stays at one chunk whatever the file's size. Identical content is stored once: a second delivery
/// of the same bytes is a new <see cref="EvidenceFile"/> over the existing blob.
/// </summary>
public sealed class EvidenceStore(string connectionString)
{
    public const int DefaultChunkSize = 4 * 1024 * 1024;

    public int ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>Stores <paramref name="content"/> as one delivery of <paramref name="sourcePath"/>.</summary>
    public async Task<EvidenceFile> StoreAsync(Stream content, Guid connectorId, long? runId, string sourcePath,
        DateTimeOffset? sourceModifiedAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var blobId = Guid.CreateVersion7();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        long size = 0;
        var chunks = 0;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            try
            {
                while (true)
                {
                    var filled = await FillAsync(content, buffer.AsMemory(0, ChunkSize), cancellationToken);
                    if (filled == 0)
                    {
                        break;
                    }
                    hash.AppendData(buffer, 0, filled);
                    await using var insert = new NpgsqlCommand(
                        "INSERT INTO evidence_chunks (blob_id, sequence, data) VALUES (@blob, @sequence, @data)", connection, transaction);
                    insert.Parameters.AddWithValue("blob", blobId);
                    insert.Parameters.AddWithValue("sequence", chunks++);
                    insert.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("data", NpgsqlDbType.Bytea) { TypedValue = buffer.AsMemory(0, filled) });
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                    size += filled;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            await using (var blob = new NpgsqlCommand("""
                INSERT INTO evidence_blobs (id, sha256, size, chunks, created_at) VALUES (@id, @sha, @size, @chunks, @now)
                ON CONFLICT (sha256) DO NOTHING
                """, connection, transaction))
            {
                blob.Parameters.AddWithValue("id", blobId);
                blob.Parameters.AddWithValue("sha", sha);
                blob.Parameters.AddWithValue("size", size);
                blob.Parameters.AddWithValue("chunks", chunks);
                blob.Parameters.AddWithValue("now", now);
                if (await blob.ExecuteNonQueryAsync(cancellationToken) == 1)
                {
                    await transaction.CommitAsync(cancellationToken);
                }
                else
                {
                    // Same bytes delivered before: keep one copy (the chunks written above go with the rollback).
                    await transaction.RollbackAsync(cancellationToken);
                    blobId = await ExistingBlobAsync(connection, sha, cancellationToken);
                }
            }
            var file = new EvidenceFile
            {
                ConnectorId = connectorId,
                RunId = runId,
                SourcePath = sourcePath,
                Size = size,
                Sha256 = sha,
                BlobId = blobId,
                SourceModifiedAt = sourceModifiedAt,
                ReceivedAt = now,
            };
            await using var record = new NpgsqlCommand("""
                INSERT INTO evidence_files (id, connector_id, run_id, source_path, size, sha256, blob_id, source_modified_at, received_at)
                VALUES (@id, @connector, @run, @path, @size, @sha, @blob, @modified, @now)
                """, connection);
            record.Parameters.AddWithValue("id", file.Id);
            record.Parameters.AddWithValue("connector", connectorId);
            record.Parameters.AddWithValue("run", (object?)runId ?? DBNull.Value);
            record.Parameters.AddWithValue("path", sourcePath);
            record.Parameters.AddWithValue("size", size);
            record.Parameters.AddWithValue("sha", sha);
            record.Parameters.AddWithValue("blob", blobId);
            record.Parameters.AddWithValue("modified", (object?)sourceModifiedAt ?? DBNull.Value);
            record.Parameters.AddWithValue("now", now);
            await record.ExecuteNonQueryAsync(cancellationToken);
            return file;
        }
    }

    /// <summary>A read-only stream over the stored bytes of a delivery, fetched one chunk at a time.</summary>
    public Stream OpenRead(EvidenceFile file) => new ChunkStream(connectionString, file.BlobId, file.Size);

    private static async Task<Guid> ExistingBlobAsync(NpgsqlConnection connection, string sha, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM evidence_blobs WHERE sha256 = @sha", connection);
        command.Parameters.AddWithValue("sha", sha);
        return (Guid)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<int> FillAsync(Stream content, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await content.ReadAsync(buffer[filled..], cancellationToken);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return filled;
    }

    /// <summary>
    /// Reads chunks on its own connection, one at a time; parsers read it synchronously. It can seek (every chunk
    /// but the last has the same size), so a ZIP's central directory at the end is reached without buffering.
    /// </summary>
    private sealed class ChunkStream(string connectionString, Guid blobId, long length) : Stream
    {
        private NpgsqlConnection? _connection;
        private byte[] _chunk = [];
        private int _loaded = -1;
        private long _chunkSize;
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= length || buffer.Length == 0)
            {
                return 0;
            }
            if (_chunkSize == 0)
            {
                Load(0);
                _chunkSize = _chunk.Length;
            }
            var index = (int)(_position / _chunkSize);
            if (index != _loaded)
            {
                Load(index);
            }
            var offset = (int)(_position - index * _chunkSize);
            var n = Math.Min(buffer.Length, _chunk.Length - offset);
            _chunk.AsSpan(offset, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        private void Load(int index)
        {
            if (_connection is null)
            {
                _connection = new NpgsqlConnection(connectionString);
                _connection.Open();
            }
            using var command = new NpgsqlCommand("SELECT data FROM evidence_chunks WHERE blob_id = @blob AND sequence = @sequence", _connection);
            command.Parameters.AddWithValue("blob", blobId);
            command.Parameters.AddWithValue("sequence", index);
            _chunk = command.ExecuteScalar() as byte[]
                ?? throw new IOException($"Evidence blob {blobId} has no chunk {index}: the stored file is incomplete.");
            _loaded = index;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _connection?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

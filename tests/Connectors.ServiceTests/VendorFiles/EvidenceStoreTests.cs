using System.Security.Cryptography;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Evidence;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Tests;

/// <summary>Delivered files kept as evidence in PostgreSQL: streamed in chunks, hashed, stored once, read back exactly.</summary>
[Collection(ServersCollection.Name)]
public sealed class EvidenceStoreTests(ServersFixture servers) : IAsyncLifetime
{
    private string _database = "";
    private Guid _connectorId;

    public async Task InitializeAsync()
    {
        _database = await servers.CreateDatabaseAsync("evidence");
        await using var db = Db();
        var connector = new Connector { Name = "Bloomberg", Type = ConnectorTypes.InstantBloomberg };
        db.Connectors.Add(connector);
        await db.SaveChangesAsync();
        _connectorId = connector.Id;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private ConnectorsDbContext Db() => new(DataExtensions.CreateOptions(_database));

    [Fact]
    public async Task AFileLargerThanManyChunksStreamsInAndOutWithItsHashAndSize()
    {
        // 64 KB chunks so a 5 MB file spans 80 chunks plus a partial one; the store never holds more than a chunk.
        var store = new EvidenceStore(_database) { ChunkSize = 64 * 1024 };
        var content = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 123);

        var file = await store.StoreAsync(new MemoryStream(content), _connectorId, null, "/in/f1.ib19.261124.xml.gpg",
            DateTimeOffset.Parse("2026-11-24T06:00:00Z"), DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(content.Length, file.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), file.Sha256);
        using var read = new MemoryStream();
        await using (var stream = store.OpenRead(file))
        {
            await stream.CopyToAsync(read);
        }
        Assert.Equal(content, read.ToArray());
        await using var db = Db();
        Assert.Equal(81, await db.EvidenceChunks.CountAsync(c => c.BlobId == file.BlobId));
        var row = await db.EvidenceFiles.SingleAsync(f => f.Id == file.Id);
        Assert.Equal(("/in/f1.ib19.261124.xml.gpg", file.Sha256), (row.SourcePath, row.Sha256));
    }

    [Fact]
    public async Task AStoredFileCanBeReadFromAnyPositionSoZipArchivesOpenWithoutBuffering()
    {
        var store = new EvidenceStore(_database) { ChunkSize = 1000 };
        var content = RandomNumberGenerator.GetBytes(4500);
        var file = await store.StoreAsync(new MemoryStream(content), _connectorId, null, "/export.zip", null, DateTimeOffset.UtcNow, CancellationToken.None);

        await using var stream = store.OpenRead(file);
        var buffer = new byte[700];
        stream.Seek(-600, SeekOrigin.End);
        var tail = stream.ReadAtLeast(buffer, 600, throwOnEndOfStream: false);
        Assert.Equal(content[^600..], buffer[..tail]);
        stream.Position = 1990;
        stream.ReadExactly(buffer.AsSpan(0, 20));
        Assert.Equal(content[1990..2010], buffer[..20]);
        stream.ReadExactly(buffer.AsSpan(0, 10));
        Assert.Equal(content[2010..2020], buffer[..10]);
        stream.Seek(0, SeekOrigin.End);
        Assert.Equal(0, stream.Read(buffer, 0, 10));
    }

    [Fact]
    public async Task TheSameBytesDeliveredTwiceAreTwoDeliveriesOverOneStoredCopy()
    {
        var store = new EvidenceStore(_database) { ChunkSize = 1024 };
        var content = RandomNumberGenerator.GetBytes(10_000);

        var first = await store.StoreAsync(new MemoryStream(content), _connectorId, null, "/a.xml", null, DateTimeOffset.UtcNow, CancellationToken.None);
        var second = await store.StoreAsync(new MemoryStream(content), _connectorId, null, "/again/a.xml", null, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(first.BlobId, second.BlobId);
        await using var db = Db();
        Assert.Equal(1, await db.EvidenceBlobs.CountAsync(b => b.Sha256 == first.Sha256));
        // The second upload's chunks went with its rollback: one copy of the content remains.
        Assert.Equal(10, await db.EvidenceChunks.CountAsync());
    }

    [Fact]
    public async Task ChunksWithoutTheirBlobAreRefusedAtCommit()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("INSERT INTO evidence_chunks (blob_id, sequence, data) VALUES (@id, 0, '\\x00')", connection);
        command.Parameters.AddWithValue("id", Guid.NewGuid());

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
    }
}

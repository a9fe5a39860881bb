using Npgsql;
using NpgsqlTypes;

namespace Connectors.Archive;

/// <summary>
/// Content stored once by SHA-256 outside a batch (attachments, downloaded files). Content-addressed and
/// idempotent, so it needs neither the run's transaction nor its fencing: an orphan blob is harmless.
/// </summary>
public static class ContentStore
{
    /// <summary>Streams <paramref name="content"/> (of <paramref name="size"/> bytes, hashed by the caller) into the blob store.</summary>
    public static async Task StoreAsync(string connectionString, string sha256, long size, Stream content, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "INSERT INTO content_blobs (sha256, size, content) VALUES (@sha, @size, @content) ON CONFLICT (sha256) DO NOTHING", connection);
        command.Parameters.AddWithValue("sha", sha256);
        command.Parameters.AddWithValue("size", size);
        command.Parameters.Add(new NpgsqlParameter("content", NpgsqlDbType.Bytea) { Value = content, Size = checked((int)size) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

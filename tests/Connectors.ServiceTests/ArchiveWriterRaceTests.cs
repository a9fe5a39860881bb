using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Mapping;
using Connectors.Runs;
using Connectors.Tests.Infrastructure;
using Npgsql;

namespace Connectors.Tests;

/// <summary>
/// Two writers on one source (e.g. two connectors) inserting the same item at the same moment: the unique index
/// decides, the later writer's insert waits for the first and then counts the row as already archived.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ArchiveWriterRaceTests(ServersFixture servers)
{
    [Fact]
    public async Task AnItemAnotherWriterInsertsWhileTheBatchIsBeingWrittenIsStoredOnceAndTheBatchSucceeds()
    {
        var database = await servers.CreateDatabaseAsync("archive-race");
        var (connector, run, account) = await SeedAsync(database);
        var item = ScriptedSource.Message("m-race", ScriptedSource.Person("U1", "a@contoso.com"), [], "raced");
        var other = ScriptedSource.Message("m-other", ScriptedSource.Person("U1", "a@contoso.com"), [], "not raced");
        var key = ArchivedItem.KeyOf(ConnectorTypes.Slack, item.SourceAccount, item.SourceId);

        // Another writer has inserted the same item (same key and version) but not committed yet.
        await using var rival = new NpgsqlConnection(database);
        await rival.OpenAsync();
        await using var rivalTransaction = await rival.BeginTransactionAsync();
        await ExecuteAsync(rival, rivalTransaction, $"""
            INSERT INTO content_blobs (sha256, size, content) VALUES ('{Sha(item)}', {item.Raw.Length}, '\x00') ON CONFLICT DO NOTHING;
            INSERT INTO archive_items (item_key, version_hash, version_kind, connector_id, run_id, source_type, item_class, source_account,
                source_id, sender, recipients, sent_at, ingested_at, attachments, raw_sha256, raw_size)
            VALUES ('{key}', '{Sha(item)}', 'Original', '{connector}', {run}, 'Slack', 'ipm.externaldata.slack', '{item.SourceAccount}',
                '{item.SourceId}', '{EmptyObject}', '[]', now(), now(), '[]', '{Sha(item)}', {item.Raw.Length});
            """);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var placed = new Resolution([account], [], ResolutionOutcome.Placed);
        var write = ArchiveWriter.WriteAsync(connection, transaction, connector, ConnectorTypes.Slack, "Slack", run, DateTimeOffset.UtcNow,
            [new ResolvedItem(item, placed), new ResolvedItem(other, placed)], CancellationToken.None);
        // The rival's row is not committed: our insert of the same key waits for it, then skips it.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(write.IsCompleted, "the batch should wait for the rival's uncommitted row");
        await rivalTransaction.CommitAsync();
        var outcome = await write;
        await transaction.CommitAsync();

        // The raced item is stored once (the rival's row); its copy in this mailbox is still new, so both copies count as imported.
        Assert.Equal((2, 0), (outcome.Imported, outcome.Duplicates));
        await using var check = new NpgsqlCommand($"""
            SELECT (SELECT count(*) FROM archive_items WHERE item_key = '{key}'),
                   (SELECT count(*) FROM mailbox_placements p JOIN archive_items a ON a.id = p.item_id WHERE a.item_key = '{key}')
            """, connection);
        await using var reader = await check.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((1L, 1L), (reader.GetInt64(0), reader.GetInt64(1)));
    }

    private const string EmptyObject = "{}";

    private static string Sha(SourceItem item) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(item.Raw.Span));

    private static async Task<(Guid Connector, long Run, Guid Account)> SeedAsync(string database)
    {
        await using var db = new ConnectorsDbContext(DataExtensions.CreateOptions(database));
        var connector = new Connector { Name = "Slack", Type = ConnectorTypes.Slack };
        var account = new DirectoryAccount { Email = "a@contoso.com", DisplayName = "A", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        db.Connectors.Add(connector);
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        var run = new ImportRun { ConnectorId = connector.Id, StartedAt = DateTimeOffset.UtcNow };
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return (connector.Id, run.Id, account.Id);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }
}

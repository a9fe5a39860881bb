using System.Text;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Mapping;
using Connectors.Runs;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Benchmarks;

/// <summary>Row counts of the tables an import writes.</summary>
internal sealed record ArchiveCounts(long Items, long Blobs, long Placements, long Quarantined);

/// <summary>The benchmark's database: the real migrations, the directory, the connectors, resets and descriptions.</summary>
internal sealed class BenchmarkDatabase(string connectionString) : IAsyncDisposable
{
    /// <summary>
    /// Everything an import writes; the schema (and so every index and trigger) stays. The archive refuses
    /// TRUNCATE (content is immutable), so the benchmark lifts that one guard for the reset and puts it back.
    /// </summary>
    public const string ResetStatement =
        "ALTER TABLE archive_items DISABLE TRIGGER archive_items_no_truncate; ALTER TABLE content_blobs DISABLE TRIGGER content_blobs_no_truncate; " +
        "ALTER TABLE mailbox_placements DISABLE TRIGGER mailbox_placements_no_truncate; " +
        "TRUNCATE archive_items, content_blobs, mailbox_placements, quarantined_items, unmapped_identities, connector_cursors CASCADE; " +
        "ALTER TABLE archive_items ENABLE TRIGGER archive_items_no_truncate; ALTER TABLE content_blobs ENABLE TRIGGER content_blobs_no_truncate; " +
        "ALTER TABLE mailbox_placements ENABLE TRIGGER mailbox_placements_no_truncate";

    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(connectionString);
    public DbContextOptions<ConnectorsDbContext> Options { get; } = DataExtensions.CreateOptions(connectionString);

    /// <summary>Applies the migrations as the Api does, so every path writes the same table with the same indexes.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = new ConnectorsDbContext(Options);
        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>One directory account per synthetic person, so every participant maps by email.</summary>
    public async Task SeedDirectoryAsync(IEnumerable<Person> people, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = new ConnectorsDbContext(Options);
        db.Accounts.AddRange(people.Select(p => new DirectoryAccount { Email = p.Email, DisplayName = p.RealName, CreatedAt = now, UpdatedAt = now }));
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<Guid> AddConnectorAsync(string name, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = new ConnectorsDbContext(Options);
        var connector = new Connector { Name = name, Type = ConnectorTypes.Slack, CreatedAt = now, UpdatedAt = now };
        db.Connectors.Add(connector);
        await db.SaveChangesAsync(cancellationToken);
        return connector.Id;
    }

    /// <summary>Stores a connector as the Api would have created it (settings, mapping and credentials already prepared).</summary>
    public async Task<Guid> AddConnectorAsync(Connector connector, CancellationToken cancellationToken)
    {
        await using var db = new ConnectorsDbContext(Options);
        db.Connectors.Add(connector);
        await db.SaveChangesAsync(cancellationToken);
        return connector.Id;
    }

    /// <summary>What one run wrote: its items, their placements and its quarantined items.</summary>
    public async Task<(long Items, long Placements, long Quarantined)> CountRunAsync(long runId, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM archive_items WHERE run_id = $1), (SELECT count(*) FROM mailbox_placements WHERE run_id = $1),
                   (SELECT count(*) FROM quarantined_items WHERE run_id = $1)
            """);
        command.Parameters.AddWithValue(runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>The connector's processed-file marks: outcome, items read, and the stored evidence's size and SHA-256.</summary>
    public async Task<IReadOnlyList<(string Path, string Outcome, long ItemsRead, long Size, string Sha256)>> DeliveredFilesAsync(
        Guid connectorId, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("""
            SELECT d.source_path, d.outcome, d.items_read, e.size, e.sha256
            FROM delivered_files d JOIN evidence_files e ON e.id = d.evidence_file_id
            WHERE d.connector_id = $1 ORDER BY d.source_path
            """);
        command.Parameters.AddWithValue(connectorId);
        var files = new List<(string, string, long, long, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            files.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4).Trim()));
        }
        return files;
    }

    /// <summary>A finished run for the comparison paths' rows to point at (archive_items.run_id is a foreign key).</summary>
    public async Task<long> AddRunAsync(Guid connectorId, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = new ConnectorsDbContext(Options);
        var run = new ImportRun { ConnectorId = connectorId, Trigger = RunTrigger.Manual, StartedAt = now, CompletedAt = now, Outcome = RunOutcome.Succeeded };
        db.Runs.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        return run.Id;
    }

    /// <summary>Empties the written tables and flushes dirty pages, so every path starts from the same state.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        foreach (var sql in new[] { ResetStatement, "CHECKPOINT" })
        {
            await using var command = DataSource.CreateCommand(sql);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<ArchiveCounts> CountAsync(CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM archive_items), (SELECT count(*) FROM content_blobs),
                   (SELECT count(*) FROM mailbox_placements), (SELECT count(*) FROM quarantined_items)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ArchiveCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// <summary>The server's version and the settings that move write throughput.</summary>
    public async Task<string> DescribeServerAsync(CancellationToken cancellationToken)
    {
        var version = await ScalarAsync("SELECT version()", cancellationToken);
        await using var command = DataSource.CreateCommand("""
            SELECT name, current_setting(name) FROM pg_settings
            WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_wal_size',
                           'gin_pending_list_limit', 'maintenance_work_mem', 'work_mem', 'autovacuum', 'full_page_writes')
            ORDER BY name
            """);
        var settings = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            settings.Add($"{reader.GetString(0)}={reader.GetString(1)}");
        }
        return $"{version}{Environment.NewLine}  settings (initdb defaults): {string.Join(", ", settings)}";
    }

    /// <summary>The equivalent of psql's <c>\d archive_items</c>: columns, indexes and constraints.</summary>
    public async Task<string> DescribeTableAsync(string table, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.AppendLine($"Table \"public.{table}\"");
        text.AppendLine($"  {"Column",-17} {"Type",-28} {"Nullable",-9} Default / generated");
        await using (var command = DataSource.CreateCommand("""
            SELECT column_name,
                   CASE WHEN character_maximum_length IS NOT NULL THEN data_type || '(' || character_maximum_length || ')' ELSE data_type END,
                   is_nullable, is_identity, identity_generation, column_default, is_generated, generation_expression
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position
            """))
        {
            command.Parameters.AddWithValue(table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var nullable = reader.GetString(2) == "YES" ? "" : "not null";
                var extra = reader.GetString(3) == "YES" ? $"generated {reader.GetString(4).ToLowerInvariant()} as identity"
                    : reader.GetString(6) == "ALWAYS" ? $"generated always as ({reader.GetString(7)}) stored"
                    : reader.IsDBNull(5) ? "" : reader.GetString(5);
                text.AppendLine($"  {reader.GetString(0),-17} {reader.GetString(1),-28} {nullable,-9} {extra}".TrimEnd());
            }
        }
        text.AppendLine("Indexes:");
        await using (var command = DataSource.CreateCommand("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 ORDER BY indexname"))
        {
            command.Parameters.AddWithValue(table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                text.AppendLine($"  {reader.GetString(0)}");
            }
        }
        text.AppendLine("Constraints:");
        await using (var command = DataSource.CreateCommand("""
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass ORDER BY contype, conname
            """))
        {
            command.Parameters.AddWithValue(table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                text.AppendLine($"  {reader.GetString(0)} {reader.GetString(1)}");
            }
        }
        // Every path pays the same triggers (the content hash on insert; the immutability guards cost nothing on insert).
        text.AppendLine("Triggers:");
        await using (var command = DataSource.CreateCommand("""
            SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY tgname
            """))
        {
            command.Parameters.AddWithValue(table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                text.AppendLine($"  {reader.GetString(0)}");
            }
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>On-disk sizes of a table and each of its indexes.</summary>
    public async Task<string> DescribeSizesAsync(string table, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("""
            SELECT 'heap + toast', pg_table_size($1::regclass)
            UNION ALL
            SELECT indexrelname::text, pg_relation_size(indexrelid) FROM (
                SELECT indexrelname, indexrelid FROM pg_stat_user_indexes WHERE relname = $1 ORDER BY indexrelname) i
            """);
        command.Parameters.AddWithValue(table);
        var parts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            parts.Add($"{reader.GetString(0)} {reader.GetInt64(1) / 1024.0 / 1024.0:0.0} MB");
        }
        return string.Join(", ", parts);
    }

    private async Task<string> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

using Connectors.Archive;
using Npgsql;

namespace Connectors.Mapping;

/// <summary>Keeps the per-connector worklist of unmapped identities (item counts, first and last seen).</summary>
public static class UnmappedWorklist
{
    public static Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid connectorId,
        IReadOnlyList<ResolvedItem> batch, CancellationToken cancellationToken) =>
        RecordAsync(connection, transaction, connectorId,
            batch.SelectMany(r => r.Resolution.Unmapped.Select(p => (p, r.Item.SentAt))).ToList(), cancellationToken);

    /// <summary>Counts one occurrence per (person, time) pair.</summary>
    public static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid connectorId,
        IReadOnlyList<(SourceIdentity Person, DateTimeOffset SentAt)> sightings, CancellationToken cancellationToken)
    {
        // Aggregate first: one upsert may not touch the same row twice.
        var people = sightings
            .GroupBy(x => x.Person.SourceId)
            .Select(g => (Id: g.Key, g.First().Person.DisplayName, g.First().Person.Email, Count: (long)g.Count(), First: g.Min(x => x.SentAt), Last: g.Max(x => x.SentAt)))
            .ToList();
        if (people.Count == 0)
        {
            return;
        }
        await using var command = new NpgsqlCommand("""
            INSERT INTO unmapped_identities (connector_id, source_id, display_name, email, item_count, first_seen_at, last_seen_at)
            SELECT @connector, * FROM unnest(@ids, @names, @emails, @counts, @first, @last)
            ON CONFLICT (connector_id, source_id) DO UPDATE SET
                display_name = coalesce(excluded.display_name, unmapped_identities.display_name),
                email = coalesce(excluded.email, unmapped_identities.email),
                item_count = unmapped_identities.item_count + excluded.item_count,
                first_seen_at = least(unmapped_identities.first_seen_at, excluded.first_seen_at),
                last_seen_at = greatest(unmapped_identities.last_seen_at, excluded.last_seen_at)
            """, connection, transaction);
        command.Parameters.AddWithValue("connector", connectorId);
        command.Parameters.AddWithValue("ids", people.Select(p => p.Id).ToArray());
        command.Parameters.Add(new NpgsqlParameter("names", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = people.Select(p => p.DisplayName).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("emails", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = people.Select(p => p.Email).ToArray() });
        command.Parameters.AddWithValue("counts", people.Select(p => p.Count).ToArray());
        command.Parameters.AddWithValue("first", people.Select(p => p.First.ToUniversalTime()).ToArray());
        command.Parameters.AddWithValue("last", people.Select(p => p.Last.ToUniversalTime()).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

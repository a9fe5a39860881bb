using System.Text.Json;
using Connectors.Archive;
using Connectors.Imports;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Mapping;

/// <summary>
/// At the start of every run, re-resolves the connector's quarantined items with the current directory
/// and mappings; items that now have a mailbox are placed and released, and identities that now map
/// leave the worklist. Adding a mapping therefore imports what was waiting for it.
/// </summary>
public static class QuarantineReleaser
{
    private const int BatchSize = 1000;

    public static async Task<long> ReleaseAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var db = context.Db;
        var connectorId = context.Connector.Id;
        var resolver = await IdentityResolver.LoadAsync(db, context.Connector, cancellationToken);
        long released = 0;
        long after = 0;
        while (true)
        {
            var pending = await db.Quarantine.AsNoTracking()
                .Where(q => q.ConnectorId == connectorId && q.ReleasedAt == null && q.ItemId > after)
                .OrderBy(q => q.ItemId).Take(BatchSize)
                .Join(db.Items, q => q.ItemId, i => i.Id, (q, i) => new { i.Id, i.Sender, i.Recipients, i.SentAt })
                .ToListAsync(cancellationToken);
            if (pending.Count == 0)
            {
                break;
            }
            after = pending[^1].Id;

            var items = new List<long>();
            var accounts = new List<Guid>();
            var releasedIds = new List<long>();
            var nowMapped = new HashSet<string>();
            foreach (var item in pending)
            {
                var people = Participants(item.Sender, item.Recipients);
                var mapped = new List<Guid>();
                foreach (var person in people)
                {
                    if (resolver.Map(person, item.SentAt) is { } account)
                    {
                        nowMapped.Add(person.SourceId);
                        if (!mapped.Contains(account))
                        {
                            mapped.Add(account);
                        }
                    }
                }
                var resolution = resolver.Settings.UsesStorageMailbox ? resolver.InStorage() : resolver.Place(mapped, []);
                if (resolution.Outcome != ResolutionOutcome.Placed)
                {
                    continue;
                }
                releasedIds.Add(item.Id);
                foreach (var account in resolution.Mailboxes)
                {
                    items.Add(item.Id);
                    accounts.Add(account);
                }
            }
            if (releasedIds.Count == 0)
            {
                continue;
            }
            await context.CommitAsync(async (connection, transaction, ct) =>
            {
                var now = context.Clock.GetUtcNow();
                await ArchiveWriter.PlaceAsync(connection, transaction, connectorId, context.Folder, context.Run.Id, now, items, accounts, ct);
                await using var release = new Npgsql.NpgsqlCommand("""
                    UPDATE quarantined_items SET released_at = @now, released_run_id = @run
                    WHERE connector_id = @connector AND item_id = ANY(@items) AND released_at IS NULL;
                    DELETE FROM unmapped_identities WHERE connector_id = @connector AND source_id = ANY(@mapped);
                    """, connection, transaction);
                release.Parameters.AddWithValue("now", now);
                release.Parameters.AddWithValue("run", context.Run.Id);
                release.Parameters.AddWithValue("connector", connectorId);
                release.Parameters.AddWithValue("items", releasedIds.ToArray());
                release.Parameters.AddWithValue("mapped", nowMapped.ToArray());
                await release.ExecuteNonQueryAsync(ct);
                context.Run.ItemsReleasedFromQuarantine += releasedIds.Count;
            }, cancellationToken);
            released += releasedIds.Count;
        }
        return released;
    }

    private static IEnumerable<SourceIdentity> Participants(string sender, string recipients) =>
        (JsonSerializer.Deserialize<List<SourceIdentity>>(recipients, JsonSerializerOptions.Web) ?? [])
            .Prepend(JsonSerializer.Deserialize<SourceIdentity>(sender, JsonSerializerOptions.Web)!)
            .DistinctBy(p => p.SourceId);
}

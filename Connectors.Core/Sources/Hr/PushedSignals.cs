using Connectors.Archive;
using Connectors.Imports;
using Connectors.Mapping;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Sources.Hr;

/// <summary>
/// What every pushed-signal source (HR CSV, badging JSON) does alike: import the connector's pending uploads
/// one by one, count and attribute each signal, commit an upload with its counters, and attribute signals that
/// waited in quarantine once a mapping exists.
/// </summary>
public static class PushedSignals
{
    /// <summary>The connector's pending uploads, oldest first, each handed to <paramref name="importUpload"/> tracked.</summary>
    public static async Task ImportPendingAsync(ImportContext context, Func<SignalUpload, Task> importUpload, CancellationToken cancellationToken)
    {
        var pending = await context.Db.SignalUploads
            .Where(u => u.ConnectorId == context.Connector.Id && u.Status == UploadStatus.Pending)
            .OrderBy(u => u.ReceivedAt).Select(u => u.Id)
            .ToListAsync(cancellationToken);
        foreach (var uploadId in pending)
        {
            var upload = await context.Db.SignalUploads.SingleAsync(u => u.Id == uploadId, cancellationToken);
            await importUpload(upload);
            context.Db.Entry(upload).State = EntityState.Detached;
        }
    }

    /// <summary>
    /// Counts a parsed signal in and maps its person as of <paramref name="at"/>. Signals map like communications
    /// do; one nobody can be mapped to is kept (unattributed, <paramref name="account"/> null, listed in
    /// <paramref name="unmapped"/>) and counted as quarantined. False when it is out of scope (counted excluded).
    /// </summary>
    public static bool TryAttribute(ImportContext context, IdentityResolver resolver, string person, DateTimeOffset at,
        List<(SourceIdentity Person, DateTimeOffset At)> unmapped, out Guid? account)
    {
        var counts = context.Counts;
        counts.ItemsFromSource++;
        counts.ItemsParsed++;
        counts.ItemsForImport++;
        var identity = new SourceIdentity(person, null, person);
        account = resolver.Map(identity, at);
        if (account is { } mapped ? !resolver.InScope(mapped) : resolver.Settings.Unmapped == UnmappedPolicy.Drop)
        {
            counts.ItemsExcluded++;
            return false;
        }
        if (account is null)
        {
            unmapped.Add((identity, at));
        }
        return true;
    }

    /// <summary>
    /// Marks the upload imported and commits it: <paramref name="insert"/> (returning how many new signals were
    /// attributed and how many unattributed), the unmapped worklist, the counters and the upload's row counts.
    /// </summary>
    public static Task CommitUploadAsync(ImportContext context, SignalUpload upload, int signals,
        List<(SourceIdentity Person, DateTimeOffset At)> unmapped,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<(int Mapped, int Unmapped)>> insert, CancellationToken cancellationToken)
    {
        upload.Status = UploadStatus.Imported;
        upload.RunId = context.Run.Id;
        return context.CommitAsync(async (connection, transaction, ct) =>
        {
            var (mapped, quarantined) = await insert(connection, transaction, ct);
            await UnmappedWorklist.RecordAsync(connection, transaction, context.Connector.Id, unmapped, ct);
            context.Counts.ItemsImported += mapped;
            context.Counts.ItemsQuarantined += quarantined;
            context.Counts.ItemsSkippedDuplicate += signals - mapped - quarantined;
            upload.RowsImported = mapped + quarantined;
            upload.RowsDuplicate = signals - mapped - quarantined;
        }, cancellationToken);
    }

    /// <summary>
    /// Attributes signals of <paramref name="table"/> (a constant table name with <c>id</c> and <c>account_id</c>)
    /// that were waiting for a mapping, now that one exists, and clears their people from the worklist.
    /// </summary>
    public static async Task ReleaseAsync(ImportContext context, IdentityResolver resolver, string table,
        IEnumerable<(long Id, string Person, DateTimeOffset At)> waiting, CancellationToken cancellationToken)
    {
        var attributed = waiting
            .Select(s => (s.Id, s.Person, Account: resolver.Map(new SourceIdentity(s.Person, null, s.Person), s.At)))
            .Where(s => s.Account is { } account && resolver.InScope(account))
            .ToList();
        if (attributed.Count == 0)
        {
            return;
        }
        await context.CommitAsync(async (connection, transaction, ct) =>
        {
            await using var command = new NpgsqlCommand($"""
                UPDATE {table} s SET account_id = t.account FROM unnest(@ids, @accounts) AS t(id, account) WHERE s.id = t.id;
                DELETE FROM unmapped_identities WHERE connector_id = @connector AND source_id = ANY(@people);
                """, connection, transaction);
            command.Parameters.AddWithValue("ids", attributed.Select(a => a.Id).ToArray());
            command.Parameters.AddWithValue("accounts", attributed.Select(a => a.Account!.Value).ToArray());
            command.Parameters.AddWithValue("connector", context.Connector.Id);
            command.Parameters.AddWithValue("people", attributed.Select(a => a.Person).Distinct().ToArray());
            await command.ExecuteNonQueryAsync(ct);
            context.Run.ItemsReleasedFromQuarantine += attributed.Count;
        }, cancellationToken);
    }
}

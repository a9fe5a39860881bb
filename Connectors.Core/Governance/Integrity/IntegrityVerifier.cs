using System.Text.Json;
using Connectors.Alerts;
using Connectors.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Connectors.Governance.Integrity;

/// <summary>
/// Re-hashes every archived item (its content columns) and every stored blob against the hashes stored with
/// them, and walks the audit hash chain: a changed row, a changed or removed audit record, or a broken link
/// is reported with the row it concerns. Read-only, in keyset batches.
/// </summary>
public static class IntegrityVerifier
{
    public const int MaxProblemsListed = 1000;
    private const int Batch = 5_000;

    public static async Task RunAsync(ConnectorsDbContext db, IntegrityCheck check, TimeProvider clock, CancellationToken cancellationToken)
    {
        var problems = new List<IntegrityProblem>();
        var total = 0;
        void Report(IntegrityProblem problem)
        {
            total++;
            if (problems.Count < MaxProblemsListed)
            {
                problems.Add(problem);
            }
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        check.ItemsChecked = await CheckItemsAsync(connection, check.Id, Report, cancellationToken);
        check.BlobsChecked = await CheckBlobsAsync(connection, check.Id, Report, cancellationToken);
        var anchors = await db.IntegrityChecks.AsNoTracking().Where(c => c.Id != check.Id && c.AuditHeadHash != null)
            .OrderBy(c => c.Id).Select(c => new { c.Id, c.AuditHeadHash }).ToListAsync(cancellationToken);
        // The chain alone cannot show that its newest records were removed (the next record would link to what is
        // left); every earlier check recorded the head it saw, and that record must still be there.
        var missing = anchors.Select(a => a.AuditHeadHash!).ToHashSet();
        (check.AuditRecordsChecked, check.AuditHeadHash) = await CheckAuditChainAsync(connection, Report, missing, cancellationToken);
        foreach (var anchor in anchors.Where(a => missing.Contains(a.AuditHeadHash!)))
        {
            Report(new IntegrityProblem("audit-anchor", $"integrity check {anchor.Id}",
                $"the audit record that was the newest when check {anchor.Id} ran (hash {anchor.AuditHeadHash}) is no longer in the trail"));
        }
        check.Problems = JsonSerializer.Serialize(problems, JsonSerializerOptions.Web);
        check.ProblemCount = total;
        check.Status = total == 0 ? IntegrityCheckStatus.Passed : IntegrityCheckStatus.Failed;
        check.FinishedAt = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (total > 0)
        {
            await AlertRaiser.RaiseAsync(db, new AlertRaiser.Subject(null, null, null), AlertKind.IntegrityViolation, AlertSeverity.Critical,
                $"Integrity check {check.Id} found {total} problem(s): " + string.Join("; ", problems.Take(5).Select(p => $"{p.Target}: {p.Detail}")),
                null, check.FinishedAt.Value, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<long> CheckItemsAsync(NpgsqlConnection connection, long checkId, Action<IntegrityProblem> report, CancellationToken cancellationToken)
    {
        long checkedCount = 0, after = 0;
        while (true)
        {
            await using var command = new NpgsqlCommand("""
                SELECT i.id, i.item_key, i.content_hash, archive_item_content_hash(i) FROM archive_items i
                WHERE i.id > @after ORDER BY i.id LIMIT @batch
                """, connection);
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("batch", Batch);
            var rows = 0;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows++;
                    after = reader.GetInt64(0);
                    var (stored, computed) = (reader.GetString(2), reader.GetString(3));
                    if (stored != computed)
                    {
                        report(new IntegrityProblem("item", $"archive item {after} ({reader.GetString(1)})",
                            $"content changed since it was archived: stored hash {stored}, content now hashes to {computed}"));
                    }
                }
            }
            checkedCount += rows;
            if (rows < Batch)
            {
                return checkedCount;
            }
            await HeartbeatAsync(connection, checkId, cancellationToken);
        }
    }

    private static async Task<long> CheckBlobsAsync(NpgsqlConnection connection, long checkId, Action<IntegrityProblem> report, CancellationToken cancellationToken)
    {
        long checkedCount = 0;
        var after = "";
        while (true)
        {
            // Hashed in the database, so the content never travels; only the key and the comparison come back.
            await using var command = new NpgsqlCommand("""
                SELECT sha256, encode(sha256(content), 'hex') FROM content_blobs
                WHERE sha256 > @after ORDER BY sha256 LIMIT @batch
                """, connection);
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("batch", 500);
            var rows = 0;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows++;
                    after = reader.GetString(0);
                    var computed = reader.GetString(1);
                    if (!string.Equals(after, computed, StringComparison.OrdinalIgnoreCase))
                    {
                        report(new IntegrityProblem("blob", $"content blob {after}", $"content changed: it now hashes to {computed}"));
                    }
                }
            }
            checkedCount += rows;
            if (rows < 500)
            {
                return checkedCount;
            }
            await HeartbeatAsync(connection, checkId, cancellationToken);
        }
    }

    private static async Task HeartbeatAsync(NpgsqlConnection connection, long checkId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("UPDATE integrity_checks SET heartbeat_at = now() WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", checkId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<(long Checked, string? Head)> CheckAuditChainAsync(NpgsqlConnection connection, Action<IntegrityProblem> report,
        HashSet<string> anchorsNotSeen, CancellationToken cancellationToken)
    {
        long checkedCount = 0, expectedSeq = 1;
        var previous = new string('0', 64);
        string? head = null;
        await using var command = new NpgsqlCommand(
            "SELECT a.seq, a.id, a.action, a.prev_hash, a.hash, audit_record_hash(a) FROM audit_records a ORDER BY a.seq", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            checkedCount++;
            var (seq, id, action) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2));
            var (prevHash, hash, computed) = (reader.GetString(3), reader.GetString(4), reader.GetString(5));
            var target = $"audit record seq {seq} (id {id}, {action})";
            if (seq != expectedSeq)
            {
                report(new IntegrityProblem("audit-gap", target,
                    seq > expectedSeq ? $"audit records seq {expectedSeq} to {seq - 1} are missing" : $"seq {seq} appears again"));
            }
            if (hash != computed)
            {
                report(new IntegrityProblem("audit-record", target, $"record changed since it was written: stored hash {hash}, content now hashes to {computed}"));
            }
            if (prevHash != previous)
            {
                report(new IntegrityProblem("audit-link", target, "the link to the previous record is broken: its previous-hash does not match the record before it"));
            }
            (previous, head, expectedSeq) = (hash, hash, seq + 1);
            anchorsNotSeen.Remove(hash);
        }
        return (checkedCount, head);
    }
}

using System.Text.Json;
using Connectors.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Connectors.Alerts;

/// <summary>What a webhook receives for an alert.</summary>
public sealed record AlertPayload(long AlertId, string Kind, string Severity, Guid? ConnectorId, string? ConnectorName,
    string? ConnectorType, long? RunId, string Reason, int Occurrences, DateTimeOffset RaisedAt);

/// <summary>
/// Raises and resolves alerts inside the caller's transaction (so an alert exists exactly when the run
/// that caused it committed), and writes the webhook outbox row beside it.
/// </summary>
public static class AlertRaiser
{
    public sealed record Subject(Guid? ConnectorId, string? ConnectorName, string? ConnectorType);

    public static async Task<long> RaiseAsync(ConnectorsDbContext db, Subject subject, AlertKind kind, AlertSeverity severity,
        string reason, long? runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        // A repeat of an open alert counts an occurrence; only a new alert or a higher severity notifies again.
        await using var command = new NpgsqlCommand("""
            WITH previous AS (
                SELECT severity FROM alerts WHERE connector_id IS NOT DISTINCT FROM @connector AND kind = @kind AND status <> 'Resolved')
            INSERT INTO alerts AS a (connector_id, run_id, kind, severity, reason, status, occurrences, raised_at, last_raised_at)
            VALUES (@connector, @run, @kind, @severity, @reason, 'Open', 1, @now, @now)
            ON CONFLICT (connector_id, kind) WHERE status <> 'Resolved' DO UPDATE SET
                occurrences = a.occurrences + 1, last_raised_at = excluded.last_raised_at, reason = excluded.reason,
                run_id = coalesce(excluded.run_id, a.run_id),
                severity = CASE WHEN @rank > (CASE a.severity WHEN 'Info' THEN 0 WHEN 'Warning' THEN 1 WHEN 'Error' THEN 2 ELSE 3 END)
                                THEN excluded.severity ELSE a.severity END
            RETURNING a.id, a.occurrences, a.severity, (SELECT severity FROM previous) AS previous_severity
            """, connection, transaction);
        command.Parameters.AddWithValue("connector", (object?)subject.ConnectorId ?? DBNull.Value);
        command.Parameters.AddWithValue("run", (object?)runId ?? DBNull.Value);
        command.Parameters.AddWithValue("kind", kind.ToString());
        command.Parameters.AddWithValue("severity", severity.ToString());
        command.Parameters.AddWithValue("rank", (int)severity);
        command.Parameters.AddWithValue("reason", reason.Length <= 4000 ? reason : reason[..4000]);
        command.Parameters.AddWithValue("now", now);
        long id;
        int occurrences;
        string current;
        string? previous;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (id, occurrences, current, previous) = (reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }
        if (previous is null || previous != current)
        {
            var payload = new AlertPayload(id, kind.ToString(), current, subject.ConnectorId, subject.ConnectorName, subject.ConnectorType,
                runId, reason, occurrences, now);
            await using var outbox = new NpgsqlCommand("""
                INSERT INTO alert_deliveries (alert_id, payload, created_at, next_attempt_at, attempts) VALUES (@alert, @payload, @now, @now, 0)
                """, connection, transaction);
            outbox.Parameters.AddWithValue("alert", id);
            outbox.Parameters.Add(new NpgsqlParameter("payload", NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(payload, JsonSerializerOptions.Web) });
            outbox.Parameters.AddWithValue("now", now);
            await outbox.ExecuteNonQueryAsync(cancellationToken);
        }
        return id;
    }

    /// <summary>
    /// Closes open alerts of these kinds for a connector, e.g. failures after a good run. Alerts raised by
    /// <paramref name="exceptRunId"/> (the run that is closing them) stay open: that run found the problem.
    /// </summary>
    public static Task<int> ResolveAsync(ConnectorsDbContext db, Guid connectorId, IReadOnlyList<AlertKind> kinds, string resolvedBy,
        DateTimeOffset now, CancellationToken cancellationToken, long? exceptRunId = null)
    {
        var names = kinds.Select(k => k.ToString()).ToArray();
        return db.Database.ExecuteSqlAsync($"""
            UPDATE alerts SET status = 'Resolved', resolved_at = {now}, resolved_by = {resolvedBy}
            WHERE connector_id = {connectorId} AND status <> 'Resolved' AND kind = ANY({names})
              AND run_id IS DISTINCT FROM {exceptRunId}
            """, cancellationToken);
    }
}

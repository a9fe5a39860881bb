using Connectors.Alerts;
using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Imports;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Connectors.Sources.Jabber;

/// <summary>
/// Imports Cisco Jabber from the IM and Presence external compliance database. Each table (TC_MSGARCHIVE, JM,
/// TC_TIMELOG, AFT_LOG) is read in keyset pages ordered by (time, key) from its own high-water mark, less the
/// connector's lookback (late rows; dedup absorbs the overlap), and each page commits with the cursor holding
/// every table's mark. Cisco's cleanup utility deletes old rows without archiving them, so each run checks, per
/// table, that nothing was deleted before it was imported and that the import is not falling behind.
/// </summary>
public sealed class JabberSource(CredentialProtector protector, ILogger<JabberSource> logger) : IConnectorSource
{
    /// <summary>How soon a run that stopped at <see cref="JabberSettings.MaxRowsPerTablePerRun"/> is followed by the next.</summary>
    public static readonly TimeSpan FollowUpDelay = TimeSpan.FromMinutes(1);

    public string Type => ConnectorTypes.CiscoJabber;

    public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var connector = context.Connector;
        var settings = ConnectorSettings.Read<JabberSettings>(connector);
        var problems = settings.Validate(Type);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The connector's settings are not valid: " +
                string.Join("; ", problems.Select(p => $"{p.Key}: {string.Join(" ", p.Value)}")));
        }
        var credentials = JabberCredentials.Read(connector.ProtectedCredentials is { } p ? protector.Unprotect(p) : null);
        if (string.IsNullOrEmpty(credentials.Password))
        {
            throw new SourceAuthenticationException("The connector has no database password (credentials.password).");
        }

        var cursor = JabberCursor.Parse(context.Cursor, out var cursorProblem);
        if (cursorProblem is not null)
        {
            logger.LogWarning("{Connector}: {Problem}; every table is read from its start", connector.Name, cursorProblem);
        }
        var mapper = new JabberItemMapper(settings.SourceAccount!, settings.Zone());
        await using var database = await OpenAsync(settings, credentials.Password, cancellationToken);
        var tables = await database.TablesAsync(cancellationToken);
        foreach (var missing in JabberTables.All.Where(t => !tables.Contains(t)))
        {
            logger.LogWarning("{Connector}: table {Table} is not in the compliance database; it is skipped", connector.Name, missing.Name());
        }
        var present = JabberTables.All.Where(tables.Contains).ToList();

        // Rows deleted before we read them are checked before this run moves any mark.
        var extents = new Dictionary<JabberTable, JabberExtent>();
        var lost = new List<string>();
        foreach (var table in present)
        {
            var extent = extents[table] = await database.ExtentAsync(table, cancellationToken);
            if (cursor[table] is { } mark && extent.Oldest is { } oldest && oldest > mark.At)
            {
                lost.Add($"{table.Name()}: the oldest row left at the source is from {JabberItemMapper.DatabaseText(oldest)}, after the last row " +
                    $"imported ({JabberItemMapper.DatabaseText(mark.At)}): Cisco's cleanup deleted rows before they were imported, and any sent between those times are lost.");
            }
        }
        if (lost.Count > 0)
        {
            await RaiseAsync(context, AlertKind.SourceDataLost, lost, AlertSeverity.Critical, cancellationToken);
        }

        var behind = new List<string>();
        var followUp = false;
        foreach (var table in present)
        {
            followUp |= await ImportTableAsync(context, database, mapper, cursor, table, settings, cancellationToken);
            if (extents[table].Newest is { } newest && cursor[table] is { } reached && newest - reached.At > settings.BehindThreshold())
            {
                behind.Add($"{table.Name()}: imported up to {JabberItemMapper.DatabaseText(reached.At)}, but its newest row is from " +
                    $"{JabberItemMapper.DatabaseText(newest)} ({(newest - reached.At).TotalHours:0.#} hours behind, more than {settings.BehindAlertAfter}): " +
                    "rows may be deleted by Cisco's cleanup before they are imported.");
            }
        }
        if (behind.Count > 0)
        {
            await RaiseAsync(context, AlertKind.SourceRetentionAtRisk, behind, AlertSeverity.Error, cancellationToken);
        }
        if (followUp)
        {
            await RequestFollowUpAsync(context, cancellationToken);
        }
    }

    private static async Task<IJabberComplianceDatabase> OpenAsync(JabberSettings settings, string password, CancellationToken cancellationToken)
    {
        try
        {
            return await JabberComplianceDatabases.OpenAsync(settings, password, cancellationToken);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException && ex.InnerException is not null)
        {
            // Say where, never with what: the connection string holds the password.
            throw new InvalidOperationException(
                $"Cannot connect to the Cisco compliance database {settings.Database} on {settings.ConnectionHost}:{settings.Port}: {ex.Message}", ex);
        }
    }

    /// <summary>Imports one table from its mark; returns true when it stopped at the per-run row limit with rows left.</summary>
    private async Task<bool> ImportTableAsync(ImportContext context, IJabberComplianceDatabase database, JabberItemMapper mapper,
        JabberCursor cursor, JabberTable table, JabberSettings settings, CancellationToken cancellationToken)
    {
        var committed = cursor[table];
        // Re-read the lookback window before the mark: rows written late (clock skew, buffered nodes) are caught.
        JabberPosition? from = committed is { } mark ? new JabberPosition(Back(mark.At, context.Connector.Lookback), null) : null;
        var read = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = await database.ReadAsync(table, from, settings.PageSize, cancellationToken);
            if (rows.Count == 0)
            {
                return false;
            }
            var presence = await PresenceAsync(database, rows, cancellationToken);
            var items = new List<SourceItem>(rows.Count);
            foreach (var row in rows)
            {
                var mapped = mapper.Map(row, presence);
                if (mapped.Item is { } item)
                {
                    items.Add(item);
                }
                else if (committed is null || row.Position > committed.Value)
                {
                    // A bad row is reported by the run that first reads it, not again by each lookback re-read.
                    context.FailedToParse(mapped.SourceUser is { } user ? $"{mapped.Error} (sender {user})" : mapped.Error!,
                        itemId: row.Describe(), sourceFile: table.Name(), field: mapped.Field);
                }
            }
            var last = rows[^1].Position;
            cursor.Advance(table, last);
            await context.ImportBatchAsync(items, cursor.ToJson(), cancellationToken);
            // Only rows past the mark count towards the limit: the lookback re-read must not use it up.
            read += committed is { } before ? rows.Count(r => r.Position > before) : rows.Count;
            from = last;
            if (rows.Count < settings.PageSize)
            {
                return false;
            }
            if (read >= settings.MaxRowsPerTablePerRun)
            {
                logger.LogInformation("{Connector}: {Table} reached {Rows} rows this run; the next run continues from {At}",
                    context.Connector.Name, table.Name(), read, JabberPosition.Text(last.At));
                return true;
            }
        }
    }

    private static async Task<RoomPresence> PresenceAsync(IJabberComplianceDatabase database, IReadOnlyList<JabberRow> rows, CancellationToken cancellationToken)
    {
        var rooms = rows.SelectMany(JabberItemMapper.RoomsOf).ToHashSet(StringComparer.Ordinal);
        if (rooms.Count == 0)
        {
            return RoomPresence.Empty;
        }
        var from = rows.Min(r => r.Position.At);
        var to = rows.Max(r => r.Position.At);
        return RoomPresence.From(await database.OccupancyAsync(rooms, from, to, cancellationToken));
    }

    private static DateTime Back(DateTime at, TimeSpan lookback) =>
        lookback <= TimeSpan.Zero ? at : at.Ticks < lookback.Ticks ? DateTime.SpecifyKind(DateTime.MinValue, at.Kind) : at - lookback;

    /// <summary>
    /// Rows deleted before capture are <see cref="AlertKind.SourceDataLost"/> (critical, closed only by a person); a lag
    /// is <see cref="AlertKind.SourceRetentionAtRisk"/>. At most one alert per connector and kind is open, so every
    /// table's finding goes into its one reason.
    /// </summary>
    private static async Task RaiseAsync(ImportContext context, AlertKind kind, IReadOnlyList<string> findings, AlertSeverity severity,
        CancellationToken cancellationToken)
    {
        var connector = context.Connector;
        var reason = $"{connector.Name} (Cisco Jabber compliance database): " + string.Join(" ", findings);
        await AlertRaiser.RaiseAsync(context.Db, new AlertRaiser.Subject(connector.Id, connector.Name, connector.Type),
            kind, severity, reason, context.Run.Id,
            context.Clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>The run stopped at its row limit: the next one starts soon rather than at the next scheduled time.</summary>
    private static Task RequestFollowUpAsync(ImportContext context, CancellationToken cancellationToken) =>
        context.CommitAsync(async (connection, transaction, ct) =>
        {
            await using var command = new NpgsqlCommand(
                "UPDATE connectors SET next_run_at = @soon WHERE id = @id AND (next_run_at IS NULL OR next_run_at > @soon)", connection, transaction);
            command.Parameters.AddWithValue("soon", context.Clock.GetUtcNow() + FollowUpDelay);
            command.Parameters.AddWithValue("id", context.Connector.Id);
            await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
}

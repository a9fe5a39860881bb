namespace Connectors.Sources.Jabber;

/// <summary>
/// The external compliance database as the connector reads it, whatever product it is on. IM and Presence
/// can write to PostgreSQL, Oracle or Microsoft SQL Server with the same tables; only the SQL differs, so each
/// product is one implementation of this seam (PostgreSQL now). Every read is ordered by (time, key) with
/// the key compared as code points, so pages never skip or repeat a row.
/// </summary>
public interface IJabberComplianceDatabase : IAsyncDisposable
{
    /// <summary>The compliance tables present in the configured schema (a product or version may lack one).</summary>
    Task<IReadOnlySet<JabberTable>> TablesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The oldest and newest row time of a table, to notice rows the cleanup utility deleted. For TC_TIMELOG the
    /// oldest is by entry time (a stay whose leaving time is written later moves forward in the order, not in age).
    /// </summary>
    Task<JabberExtent> ExtentAsync(JabberTable table, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> rows in keyset order: from the start when <paramref name="from"/> is null;
    /// every row at or after its time when it has no key; rows strictly after it otherwise.
    /// Rows without a time cannot be placed in the order and are not returned.
    /// </summary>
    Task<IReadOnlyList<JabberRow>> ReadAsync(JabberTable table, JabberPosition? from, int limit, CancellationToken cancellationToken);

    /// <summary>Stays in these rooms (bare room JIDs, lower case) overlapping [from, to], from TC_TIMELOG; empty without it.</summary>
    Task<IReadOnlyList<JabberOccupancy>> OccupancyAsync(IReadOnlyCollection<string> rooms, DateTime from, DateTime to, CancellationToken cancellationToken);
}

public static class JabberComplianceDatabases
{
    /// <summary>
    /// Connects to the database the settings name. A rejected login throws
    /// <see cref="Imports.SourceAuthenticationException"/>; the password never appears in a message.
    /// </summary>
    public static Task<IJabberComplianceDatabase> OpenAsync(JabberSettings settings, string password, CancellationToken cancellationToken) =>
        settings.Provider.ToLowerInvariant() switch
        {
            "postgresql" => PostgresJabberComplianceDatabase.OpenAsync(settings, password, cancellationToken),
            _ => throw new NotSupportedException($"{settings.Provider} compliance databases are not supported yet; only {JabberSettings.PostgreSql} is."),
        };
}

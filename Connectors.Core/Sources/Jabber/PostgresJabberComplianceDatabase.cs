using Connectors.Imports;
using Npgsql;
using NpgsqlTypes;

namespace Connectors.Sources.Jabber;

/// <summary>
/// The compliance database on PostgreSQL. The session is read-only (the connector never writes to Cisco's
/// database), pins DateStyle and TimeZone so row texts are stable, and finds the tables and their columns in
/// <c>information_schema</c> so a missing optional column (or a version's extra one) does not break the read.
/// Rows without an id (JM, TC_TIMELOG) are keyed by the MD5 of the whole row's text.
/// </summary>
internal sealed class PostgresJabberComplianceDatabase : IJabberComplianceDatabase
{
    private const string AtAlias = "jabber$at";
    private const string KeyAlias = "jabber$key";

    /// <summary>
    /// AFT_LOG's time column. Cisco's table documents the file transfer's date and time after FILE_SIZE; the
    /// column name is not verified, so the first of these that exists is used.
    /// </summary>
    internal static readonly IReadOnlyList<string> AftLogTimeColumns = ["date_time", "timestamp", "time_stamp"];

    private readonly NpgsqlConnection _connection;
    private readonly string _schema;
    private readonly string _where;
    private Dictionary<JabberTable, Shape>? _shapes;

    /// <param name="Oldest">What "oldest row" means for the cleanup check: TC_TIMELOG rows move forward when a
    /// leaving time is written, so their entry time says how old they are.</param>
    private sealed record Shape(string From, string At, string Oldest, string Key, bool Zoned, HashSet<string> Columns);

    private PostgresJabberComplianceDatabase(NpgsqlConnection connection, string schema, string where)
    {
        _connection = connection;
        _schema = schema;
        _where = where;
    }

    public static async Task<IJabberComplianceDatabase> OpenAsync(JabberSettings settings, string password, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = settings.ConnectionHost,
            Port = settings.Port,
            Database = settings.Database,
            Username = settings.Username,
            Password = password,
            SslMode = Enum.Parse<SslMode>(settings.SslMode, ignoreCase: true),
            // One connection per run, closed at its end: nothing idles against Cisco's database.
            Pooling = false,
            Timeout = 30,
            CommandTimeout = 600,
            ApplicationName = "Connectors (Cisco Jabber compliance import)",
        };
        var where = $"database {settings.Database} on {settings.ConnectionHost}:{settings.Port}";
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var session = new NpgsqlCommand(
                "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET DateStyle TO 'ISO, YMD'; SET TimeZone TO 'UTC'; SET IntervalStyle TO 'postgres'",
                connection);
            await session.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            await connection.DisposeAsync();
            throw new SourceAuthenticationException(
                $"The Cisco compliance {where} rejected the login of {settings.Username} ({ex.SqlState}: {ex.MessageText}). Update the connector's password (credentials.password).", ex);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return new PostgresJabberComplianceDatabase(connection, settings.Schema, where);
    }

    public async Task<IReadOnlySet<JabberTable>> TablesAsync(CancellationToken cancellationToken) =>
        (await ShapesAsync(cancellationToken)).Keys.ToHashSet();

    public async Task<JabberExtent> ExtentAsync(JabberTable table, CancellationToken cancellationToken)
    {
        var shape = await ShapeAsync(table, cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT min({shape.Oldest}), max({shape.At}) FROM {shape.From}", _connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new JabberExtent(reader.IsDBNull(0) ? null : reader.GetDateTime(0), reader.IsDBNull(1) ? null : reader.GetDateTime(1));
    }

    public async Task<IReadOnlyList<JabberRow>> ReadAsync(JabberTable table, JabberPosition? from, int limit, CancellationToken cancellationToken)
    {
        var shape = await ShapeAsync(table, cancellationToken);
        var filter = from switch
        {
            null => $"{shape.At} IS NOT NULL",
            { Key: null } => $"{shape.At} >= @at",
            _ => $"{shape.At} >= @at AND ({shape.At} > @at OR ({shape.Key}) COLLATE \"C\" > @key)",
        };
        await using var command = new NpgsqlCommand($"""
            SELECT t.*, {shape.At} AS "{AtAlias}", ({shape.Key}) COLLATE "C" AS "{KeyAlias}"
            FROM {shape.From}
            WHERE {filter}
            ORDER BY "{AtAlias}", "{KeyAlias}"
            LIMIT @limit
            """, _connection);
        if (from is { } position)
        {
            command.Parameters.Add(TimeParameter("at", position.At, shape.Zoned));
            if (position.Key is not null)
            {
                command.Parameters.AddWithValue("key", NpgsqlDbType.Text, position.Key);
            }
        }
        command.Parameters.AddWithValue("limit", limit);

        var rows = new List<JabberRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var atOrdinal = reader.GetOrdinal(AtAlias);
        var keyOrdinal = reader.GetOrdinal(KeyAlias);
        while (await reader.ReadAsync(cancellationToken))
        {
            var columns = new List<KeyValuePair<string, object?>>(reader.FieldCount - 2);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (i == atOrdinal || i == keyOrdinal)
                {
                    continue;
                }
                columns.Add(new(reader.GetName(i), reader.IsDBNull(i) ? null : reader.GetValue(i)));
            }
            rows.Add(new JabberRow(table, new JabberPosition(reader.GetDateTime(atOrdinal), reader.GetString(keyOrdinal)), columns));
        }
        return rows;
    }

    public async Task<IReadOnlyList<JabberOccupancy>> OccupancyAsync(IReadOnlyCollection<string> rooms, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var shapes = await ShapesAsync(cancellationToken);
        if (rooms.Count == 0 || !shapes.TryGetValue(JabberTable.TcTimelog, out var timelog)
            || !timelog.Columns.IsSupersetOf(["user_jid", "room_jid", "start_date"]))
        {
            return [];
        }
        string Column(string name) => timelog.Columns.Contains(name) ? $"t.{Quote(name)}" : "NULL";
        var end = Column("end_date");
        await using var command = new NpgsqlCommand($"""
            SELECT t.user_jid, t.room_jid, {Column("nick_jid")}, t.start_date, {end}
            FROM {timelog.From}
            WHERE lower(t.room_jid) = ANY(@rooms) AND t.start_date <= @to AND ({end} IS NULL OR {end} >= @from)
            """, _connection);
        command.Parameters.AddWithValue("rooms", rooms.ToArray());
        command.Parameters.Add(TimeParameter("from", from, timelog.Zoned));
        command.Parameters.Add(TimeParameter("to", to, timelog.Zoned));
        var stays = new List<JabberOccupancy>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stays.Add(new JabberOccupancy(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetDateTime(3),
                reader.IsDBNull(4) ? null : reader.GetDateTime(4)));
        }
        return stays;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<Shape> ShapeAsync(JabberTable table, CancellationToken cancellationToken) =>
        (await ShapesAsync(cancellationToken)).TryGetValue(table, out var shape)
            ? shape
            : throw new InvalidOperationException($"Table {table.Name()} is not in schema {_schema} of the Cisco compliance {_where}.");

    /// <summary>Finds the tables and columns once per connection; a table without the columns that order it is an error.</summary>
    private async Task<Dictionary<JabberTable, Shape>> ShapesAsync(CancellationToken cancellationToken)
    {
        if (_shapes is not null)
        {
            return _shapes;
        }
        var found = new Dictionary<string, (string Table, Dictionary<string, string> Types)>(StringComparer.OrdinalIgnoreCase);
        await using (var command = new NpgsqlCommand("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = @schema AND lower(table_name) = ANY(@tables)
            ORDER BY table_name, ordinal_position
            """, _connection))
        {
            command.Parameters.AddWithValue("schema", _schema);
            command.Parameters.AddWithValue("tables", JabberTables.All.Select(t => t.Name()).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var (tableName, column, type) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                if (!found.TryGetValue(tableName, out var entry))
                {
                    found[tableName] = entry = (tableName, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
                }
                entry.Types.TryAdd(column, type);
            }
        }

        var shapes = new Dictionary<JabberTable, Shape>();
        foreach (var table in JabberTables.All)
        {
            if (!found.TryGetValue(table.Name(), out var entry))
            {
                continue;
            }
            var types = entry.Types;
            string Require(string column) => types.ContainsKey(column)
                ? $"t.{Quote(ActualName(types, column))}"
                : throw new InvalidOperationException($"Table {table.Name()} in schema {_schema} of the Cisco compliance {_where} has no {column} column.");
            var from = $"{Quote(_schema)}.{Quote(entry.Table)} t";
            var (at, atColumn, key) = table switch
            {
                JabberTable.TcMsgArchive => (Require("sent_date"), "sent_date",
                    $"coalesce({Require("to_jid")}, '') || '|' || lpad(coalesce({Require("msg_id")}::text, ''), 20, '0')"),
                JabberTable.Jm => (Require("sent_date"), "sent_date", "md5(t::text)"),
                JabberTable.TcTimelog => (types.ContainsKey("end_date")
                    ? $"GREATEST({Require("start_date")}, {Require("end_date")})" : Require("start_date"), "start_date", "md5(t::text)"),
                _ => AftLogTime(types) is { } column
                    ? (Require(column), column, $"lpad(coalesce({Require("aft_index")}::text, ''), 20, '0')")
                    : throw new InvalidOperationException(
                        $"Table aft_log in schema {_schema} of the Cisco compliance {_where} has none of the time columns {string.Join(", ", AftLogTimeColumns)}."),
            };
            var type = types[atColumn];
            if (!type.StartsWith("timestamp", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Column {table.Name()}.{atColumn} is {type}, not a timestamp; its rows cannot be ordered by time.");
            }
            var oldest = table == JabberTable.TcTimelog ? Require("start_date") : at;
            shapes[table] = new Shape(from, at, oldest, key, type.Contains("with time zone", StringComparison.OrdinalIgnoreCase),
                types.Keys.Select(k => k.ToLowerInvariant()).ToHashSet());
        }
        if (shapes.Count == 0)
        {
            throw new InvalidOperationException(
                $"No Cisco compliance table ({string.Join(", ", JabberTables.All.Select(t => t.Name()))}) is visible in schema {_schema} of the {_where}: " +
                "check the schema setting and that the login may SELECT from them.");
        }
        return _shapes = shapes;
    }

    private static string? AftLogTime(Dictionary<string, string> types) => AftLogTimeColumns.FirstOrDefault(types.ContainsKey);

    private static string ActualName(Dictionary<string, string> types, string column) => types.Keys.First(k => string.Equals(k, column, StringComparison.OrdinalIgnoreCase));

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A time in the column's own type: zoned columns compare with UTC instants, the others with wall-clock values.</summary>
    private static NpgsqlParameter TimeParameter(string name, DateTime value, bool zoned) => zoned
        ? new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = DateTime.SpecifyKind(value, DateTimeKind.Utc) }
        : new NpgsqlParameter(name, NpgsqlDbType.Timestamp) { Value = DateTime.SpecifyKind(value, DateTimeKind.Unspecified) };
}

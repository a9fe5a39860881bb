using Connectors.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace Connectors.Tests.Jabber;

/// <summary>
/// An IM and Presence external compliance database on the test PostgreSQL server: a database of its own with the
/// tables Cisco documents (TC_ROOMS, TC_USERS, TC_TIMELOG, TC_MSGARCHIVE, JM, AFT_LOG) in a schema "cisco", and a
/// login that may only read them, as a compliance administrator would set it up.
/// </summary>
internal sealed class CiscoComplianceDatabase
{
    public const string Schema = "cisco";
    public const string Room = "fx-desk@conference-1.contoso.com";

    /// <summary>The moment the tests' conversations start; the database stores UTC wall-clock times without a zone.</summary>
    public static readonly DateTime T0 = new(2026, 11, 24, 9, 0, 0, DateTimeKind.Unspecified);

    private readonly string _adminConnectionString;

    private CiscoComplianceDatabase(string name, string login, string password, string adminConnectionString)
    {
        Name = name;
        Login = login;
        Password = password;
        _adminConnectionString = adminConnectionString;
    }

    public string Name { get; }
    public string Login { get; }
    public string Password { get; }

    public static async Task<CiscoComplianceDatabase> CreateAsync(ServersFixture servers)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var name = $"cisco_{suffix}";
        var login = $"cisco_reader_{suffix}";
        var password = "reader-" + Guid.NewGuid().ToString("N");
        await using (var postgres = new NpgsqlConnection(servers.ConnectionString("postgres")))
        {
            await postgres.OpenAsync();
            await ExecuteAsync(postgres, $"CREATE DATABASE \"{name}\"");
            await ExecuteAsync(postgres, $"CREATE ROLE \"{login}\" LOGIN PASSWORD '{password}'");
        }
        var database = new CiscoComplianceDatabase(name, login, password,
            new NpgsqlConnectionStringBuilder(servers.ConnectionString(name)) { SearchPath = Schema }.ConnectionString);
        await database.ExecuteAsync($"""
            CREATE SCHEMA {Schema};
            SET search_path TO {Schema};
            CREATE TABLE tc_rooms (
                room_jid varchar(3071) PRIMARY KEY, creator_jid varchar(3071) NOT NULL, subject varchar(255) NOT NULL,
                type varchar(32) NOT NULL CHECK (type IN ('ad-hoc', 'persistent')), config text NOT NULL, spacket text NOT NULL,
                start_msg_id bigint NOT NULL, next_msg_id bigint NOT NULL);
            CREATE TABLE tc_users (
                room_jid varchar(3071) NOT NULL, real_jid varchar(3071) NOT NULL, role varchar(32) NOT NULL,
                affiliation varchar(32) NOT NULL, nick_jid varchar(3071) NOT NULL, reason varchar(255), initiator_jid varchar(3071));
            CREATE TABLE tc_timelog (
                user_jid varchar(3071) NOT NULL, room_jid varchar(3071) NOT NULL, nick_jid varchar(3071) NOT NULL,
                start_date timestamp NOT NULL, end_date timestamp);
            CREATE TABLE tc_msgarchive (
                msg_id bigint NOT NULL, to_jid varchar(3071) NOT NULL, from_jid varchar(3071) NOT NULL, nick_jid varchar(3071) NOT NULL,
                sent_date timestamp NOT NULL, msg_type char(1) NOT NULL, body_len integer NOT NULL, message_len integer NOT NULL,
                body_string varchar(4000), message_string varchar(4000), body_text text, message_text text, subject varchar(255));
            CREATE INDEX tc_msgarchive_sent_date ON tc_msgarchive (sent_date);
            CREATE TABLE jm (
                to_jid varchar(3071) NOT NULL, from_jid varchar(3071) NOT NULL, sent_date timestamp NOT NULL, subject varchar(128),
                thread_id varchar(128), msg_type char(1), direction char(1), body_len integer, message_len integer,
                body_string varchar(4000), message_string varchar(4000), body_text text, message_text text, history_flag char(1));
            CREATE INDEX jm_sent_date ON jm (sent_date);
            CREATE TABLE aft_log (
                aft_index bigint PRIMARY KEY, jid varchar(3071) NOT NULL, to_jid varchar(3071) NOT NULL, method varchar(63) NOT NULL,
                filename varchar(511) NOT NULL, real_filename varchar(511) NOT NULL, file_type varchar(10) NOT NULL,
                chat_type varchar(10) NOT NULL, file_server varchar(511) NOT NULL, file_path varchar(1023) NOT NULL,
                file_size bigint NOT NULL, date_time timestamp NOT NULL);
            GRANT USAGE ON SCHEMA {Schema} TO "{login}";
            GRANT SELECT ON ALL TABLES IN SCHEMA {Schema} TO "{login}";
            """);
        return database;
    }

    /// <summary>The connector's settings for this database (no TLS on the test server).</summary>
    public object Settings(int port, string behindAlertAfter = "PT6H", int pageSize = 1000, int maxRowsPerTablePerRun = 100_000) => new
    {
        connectionHost = "127.0.0.1",
        port,
        database = Name,
        username = Login,
        sslMode = "Disable",
        schema = Schema,
        sourceAccount = "cup.contoso.com",
        behindAlertAfter,
        pageSize,
        maxRowsPerTablePerRun,
    };

    public static string Jid(string user, string resource = "jabber_1") => $"{user}@contoso.com/{resource}";

    public static string Nick(string nick) => $"{Room}/{nick}";

    public Task StayAsync(string user, string nick, int fromMinute, int? toMinute) => ExecuteAsync(
        "INSERT INTO tc_timelog (user_jid, room_jid, nick_jid, start_date, end_date) VALUES (@user, @room, @nick, @start, @end)",
        ("user", Jid(user)), ("room", Room), ("nick", Nick(nick)), ("start", At(fromMinute)), ("end", toMinute is { } m ? At(m) : (object?)null));

    public Task GroupMessageAsync(long msgId, string from, string nick, int minute, string? body, string? stanza = null, string to = Room) => ExecuteAsync("""
        INSERT INTO tc_msgarchive (msg_id, to_jid, from_jid, nick_jid, sent_date, msg_type, body_len, message_len, body_string, message_string)
        VALUES (@id, @to, @from, @nick, @at, 'g', @bodyLen, @messageLen, @body, @stanza)
        """, ("id", msgId), ("to", to), ("from", from), ("nick", Nick(nick)), ("at", At(minute)), ("bodyLen", body?.Length ?? 0),
        ("messageLen", stanza?.Length ?? 0), ("body", body), ("stanza", stanza));

    /// <summary>One JM row: the archiver writes one per direction of a message.</summary>
    public Task InstantMessageAsync(string from, string to, int minute, string direction, string? body, string? stanza = null,
        string msgType = "c", string? thread = "thread-1", double seconds = 0) => ExecuteAsync("""
        INSERT INTO jm (to_jid, from_jid, sent_date, subject, thread_id, msg_type, direction, body_len, message_len, body_string, message_string, history_flag)
        VALUES (@to, @from, @at, NULL, @thread, @type, @direction, @bodyLen, @messageLen, @body, @stanza, 'N')
        """, ("to", to), ("from", from), ("at", At(minute).AddSeconds(seconds)), ("thread", thread), ("type", msgType), ("direction", direction),
        ("bodyLen", body?.Length ?? 0), ("messageLen", stanza?.Length ?? 0), ("body", body), ("stanza", stanza));

    public Task FileTransferAsync(long index, string jid, string to, string method, string realName, long size, int minute, string chatType = "im") =>
        ExecuteAsync("""
        INSERT INTO aft_log (aft_index, jid, to_jid, method, filename, real_filename, file_type, chat_type, file_server, file_path, file_size, date_time)
        VALUES (@index, @jid, @to, @method, @resource, @name, @type, @chat, 'imp-files.contoso.com', '/opt/mftfiles/' || @resource, @size, @at)
        """, ("index", index), ("jid", jid), ("to", to), ("method", method), ("resource", $"r{index:D6}"), ("name", realName),
        ("type", Path.GetExtension(realName).TrimStart('.')), ("chat", chatType), ("size", size), ("at", At(minute)));

    public static DateTime At(int minute) => T0.AddMinutes(minute);

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value is DateTime time
                ? new NpgsqlParameter(name, NpgsqlDbType.Timestamp) { Value = time }
                : new NpgsqlParameter(name, value ?? DBNull.Value));
        }
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Connectors.Sources.Jabber;

/// <summary>The Cisco IM and Presence compliance tables this connector imports, each with its own high-water mark.</summary>
public enum JabberTable
{
    /// <summary>TC_MSGARCHIVE: group chat (persistent and ad hoc room) messages.</summary>
    TcMsgArchive,
    /// <summary>JM: the message archiver's one-to-one (and group) instant messages, one row per direction.</summary>
    Jm,
    /// <summary>TC_TIMELOG: when a user entered and left a room.</summary>
    TcTimelog,
    /// <summary>AFT_LOG: managed file transfers (metadata; the files stay on the file server).</summary>
    AftLog,
}

public static class JabberTables
{
    /// <summary>The order a run imports the tables in.</summary>
    public static readonly IReadOnlyList<JabberTable> All = [JabberTable.TcMsgArchive, JabberTable.Jm, JabberTable.TcTimelog, JabberTable.AftLog];

    /// <summary>The table's name as Cisco creates it (lower case on PostgreSQL); also its key in the cursor.</summary>
    public static string Name(this JabberTable table) => table switch
    {
        JabberTable.TcMsgArchive => "tc_msgarchive",
        JabberTable.Jm => "jm",
        JabberTable.TcTimelog => "tc_timelog",
        JabberTable.AftLog => "aft_log",
        _ => throw new ArgumentOutOfRangeException(nameof(table)),
    };

    /// <summary>The column whose time orders the table (for TC_TIMELOG: the later of entering and leaving).</summary>
    public static string TimeDescription(this JabberTable table) => table switch
    {
        JabberTable.TcTimelog => "start_date/end_date",
        JabberTable.AftLog => "date_time",
        _ => "sent_date",
    };
}

/// <summary>
/// A place in a table's keyset order: the row's time exactly as the database stores it (no zone conversion,
/// <see cref="DateTimeKind.Utc"/> only for columns with a zone) and a text key ordering rows of the same time.
/// A position without a key stands before every row of its time.
/// </summary>
public readonly record struct JabberPosition(DateTime At, string? Key) : IComparable<JabberPosition>
{
    public int CompareTo(JabberPosition other)
    {
        var byTime = At.Ticks.CompareTo(other.At.Ticks);
        if (byTime != 0)
        {
            return byTime;
        }
        return (Key, other.Key) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            // The database compares keys with COLLATE "C": byte order of UTF-8, which is code point order.
            _ => CompareCodePoints(Key, other.Key),
        };
    }

    private static int CompareCodePoints(string a, string b)
    {
        var left = a.EnumerateRunes().GetEnumerator();
        var right = b.EnumerateRunes().GetEnumerator();
        while (true)
        {
            var (hasLeft, hasRight) = (left.MoveNext(), right.MoveNext());
            if (!hasLeft || !hasRight)
            {
                return hasLeft.CompareTo(hasRight);
            }
            var compared = left.Current.Value.CompareTo(right.Current.Value);
            if (compared != 0)
            {
                return compared;
            }
        }
    }

    public static bool operator <(JabberPosition a, JabberPosition b) => a.CompareTo(b) < 0;
    public static bool operator >(JabberPosition a, JabberPosition b) => a.CompareTo(b) > 0;
    public static bool operator <=(JabberPosition a, JabberPosition b) => a.CompareTo(b) <= 0;
    public static bool operator >=(JabberPosition a, JabberPosition b) => a.CompareTo(b) >= 0;

    /// <summary>The time as text, as the database wrote it: microseconds, and "Z" only for a zoned column.</summary>
    public static string Text(DateTime at) =>
        at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + (at.Kind == DateTimeKind.Utc ? "Z" : "");

    public static DateTime ParseTime(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}

/// <summary>The oldest and newest row times a table holds now (null when it is empty).</summary>
public sealed record JabberExtent(DateTime? Oldest, DateTime? Newest);

/// <summary>A user's stay in a room from TC_TIMELOG: who was there to read a message.</summary>
public sealed record JabberOccupancy(string? UserJid, string? RoomJid, string? NickJid, DateTime? Start, DateTime? End);

/// <summary>
/// One row of a compliance table: its keyset position and its columns as the database returned them, in
/// order, by lower-case name. The mapper reads Cisco's documented columns; <see cref="ToJson"/> is the raw
/// evidence of the item and holds every column, documented or not.
/// </summary>
public sealed class JabberRow
{
    private readonly Dictionary<string, object?> _byName;

    public JabberRow(JabberTable table, JabberPosition position, IReadOnlyList<KeyValuePair<string, object?>> columns)
    {
        Table = table;
        Position = position;
        Columns = columns;
        _byName = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in columns)
        {
            _byName.TryAdd(name, value);
        }
    }

    public JabberTable Table { get; }
    public JabberPosition Position { get; }
    public IReadOnlyList<KeyValuePair<string, object?>> Columns { get; }

    public bool Has(string column) => _byName.ContainsKey(column);

    /// <summary>The column's text; null when the column is absent, NULL or blank.</summary>
    public string? String(string column) => _byName.GetValueOrDefault(column) switch
    {
        null => null,
        string s => string.IsNullOrWhiteSpace(s) ? null : s,
        char c => char.IsWhiteSpace(c) ? null : c.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    public long? Int64(string column) => _byName.GetValueOrDefault(column) switch
    {
        long l => l,
        int i => i,
        short s => s,
        decimal d when d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue => (long)d,
        string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    public DateTime? Time(string column) => _byName.GetValueOrDefault(column) switch
    {
        DateTime d => d,
        DateTimeOffset o => o.UtcDateTime,
        _ => null,
    };

    /// <summary>The row as a JSON object, columns in the database's order: the item's raw bytes.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in Columns)
            {
                writer.WritePropertyName(name.ToLowerInvariant());
                switch (value)
                {
                    case null:
                        writer.WriteNullValue();
                        break;
                    case string s:
                        writer.WriteStringValue(s);
                        break;
                    case char c:
                        writer.WriteStringValue(c.ToString());
                        break;
                    case bool b:
                        writer.WriteBooleanValue(b);
                        break;
                    case long l:
                        writer.WriteNumberValue(l);
                        break;
                    case int i:
                        writer.WriteNumberValue(i);
                        break;
                    case short sh:
                        writer.WriteNumberValue(sh);
                        break;
                    case decimal d:
                        writer.WriteNumberValue(d);
                        break;
                    case double db when double.IsFinite(db):
                        writer.WriteNumberValue(db);
                        break;
                    case DateTime dt:
                        writer.WriteStringValue(JabberPosition.Text(dt));
                        break;
                    case DateTimeOffset dto:
                        writer.WriteStringValue(JabberPosition.Text(dto.UtcDateTime));
                        break;
                    case byte[] bytes:
                        writer.WriteBase64StringValue(bytes);
                        break;
                    case IFormattable f:
                        writer.WriteStringValue(f.ToString(null, CultureInfo.InvariantCulture));
                        break;
                    default:
                        writer.WriteStringValue(value.ToString());
                        break;
                }
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>How failures name the row: the table and its keyset position.</summary>
    public string Describe() => $"{Table.Name()} row at {JabberPosition.Text(Position.At)} ({Position.Key})";

    public override string ToString() => Encoding.UTF8.GetString(ToJson());
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Connectors.Sources.Jabber;

/// <summary>
/// The connector's cursor: one high-water mark per table, the keyset position of the last row imported
/// from it. Committed with each batch, so each table resumes exactly where its last committed page ended:
/// <code>{ "tc_msgarchive": { "sentDate": "2026-11-24T09:15:00.000000", "key": "…" }, "jm": { … }, … }</code>
/// <c>sentDate</c> is the ordering time as the database stores it (TC_TIMELOG: the later of its start and
/// end dates; AFT_LOG: its date_time); <c>key</c> orders the rows of one time.
/// </summary>
public sealed class JabberCursor
{
    private readonly Dictionary<JabberTable, JabberPosition> _marks = [];

    public JabberPosition? this[JabberTable table] => _marks.TryGetValue(table, out var mark) ? mark : null;

    /// <summary>Moves a table's mark forward; a position at or behind the mark (a lookback re-read) leaves it.</summary>
    public void Advance(JabberTable table, JabberPosition position)
    {
        if (!_marks.TryGetValue(table, out var mark) || position > mark)
        {
            _marks[table] = position;
        }
    }

    /// <summary>Reads a committed cursor; null or text that is not this shape starts every table afresh (dedup absorbs the replay).</summary>
    public static JabberCursor Parse(string? json, out string? problem)
    {
        problem = null;
        var cursor = new JabberCursor();
        if (string.IsNullOrWhiteSpace(json))
        {
            return cursor;
        }
        try
        {
            if (JsonNode.Parse(json) is not JsonObject root)
            {
                problem = "the cursor is not a JSON object";
                return cursor;
            }
            foreach (var table in JabberTables.All)
            {
                if (root[table.Name()] is not JsonObject mark)
                {
                    continue;
                }
                var at = mark["sentDate"]?.GetValue<string>();
                if (at is null)
                {
                    continue;
                }
                cursor._marks[table] = new JabberPosition(JabberPosition.ParseTime(at), mark["key"]?.GetValue<string>());
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            problem = $"the cursor cannot be read ({ex.Message})";
            return new JabberCursor();
        }
        return cursor;
    }

    public string ToJson()
    {
        var root = new JsonObject();
        foreach (var table in JabberTables.All)
        {
            if (_marks.TryGetValue(table, out var mark))
            {
                root[table.Name()] = new JsonObject
                {
                    ["sentDate"] = JabberPosition.Text(mark.At),
                    ["key"] = mark.Key,
                };
            }
        }
        return root.ToJsonString();
    }
}

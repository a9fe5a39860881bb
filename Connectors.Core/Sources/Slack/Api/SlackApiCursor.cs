using System.Globalization;
using System.Text.Json;

namespace Connectors.Sources.Slack.Api;

/// <summary>
/// The connector's cursor in API mode: per conversation, the newest top-level <c>ts</c> read to the end
/// (<c>{ "C123": "1700000000.000100", … }</c>). A conversation's mark moves only once all of its history pages were
/// read, so a run that stops part way re-reads that conversation rather than skipping its older pages.
/// </summary>
internal sealed class SlackApiCursor
{
    private readonly SortedDictionary<string, string> _marks = new(StringComparer.Ordinal);

    /// <summary>The cursor the last run committed; null, or text that is not this JSON, starts from the beginning.</summary>
    public static SlackApiCursor Parse(string? json, out bool unreadable)
    {
        var cursor = new SlackApiCursor();
        unreadable = false;
        if (string.IsNullOrWhiteSpace(json))
        {
            return cursor;
        }
        try
        {
            var marks = JsonSerializer.Deserialize<Dictionary<string, string>>(json);
            foreach (var (conversation, ts) in marks ?? [])
            {
                if (SlackTs.TryParse(ts, out _))
                {
                    cursor._marks[conversation] = ts;
                }
            }
        }
        catch (JsonException)
        {
            unreadable = true;
        }
        return cursor;
    }

    public string? MarkOf(string conversationId) => _marks.GetValueOrDefault(conversationId);

    /// <summary>Moves the conversation's mark forward (never back).</summary>
    public bool Advance(string conversationId, string ts)
    {
        if (_marks.TryGetValue(conversationId, out var current) && SlackTs.Compare(current, ts) >= 0)
        {
            return false;
        }
        _marks[conversationId] = ts;
        return true;
    }

    public string ToJson() => JsonSerializer.Serialize(_marks);
}

/// <summary>Slack <c>ts</c> values as numbers: compared, and moved back by the lookback.</summary>
internal static class SlackTs
{
    public static bool TryParse(string? ts, out decimal value) =>
        decimal.TryParse(ts, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) && value >= 0;

    /// <summary>Orders two ts values numerically; an unreadable one sorts first.</summary>
    public static int Compare(string? a, string? b)
    {
        var hasA = TryParse(a, out var x);
        var hasB = TryParse(b, out var y);
        return hasA && hasB ? x.CompareTo(y) : hasA.CompareTo(hasB);
    }

    /// <summary>
    /// The <c>oldest</c> to ask <c>conversations.history</c> for: the mark less the lookback, or null (the whole
    /// history) without a mark.
    /// </summary>
    public static string? Oldest(string? mark, TimeSpan lookback)
    {
        if (!TryParse(mark, out var value))
        {
            return null;
        }
        var oldest = value - (decimal)Math.Max(0, lookback.TotalSeconds);
        return oldest <= 0 ? null : oldest.ToString("0.000000", CultureInfo.InvariantCulture);
    }
}

using System.Globalization;

namespace Connectors.Sources.Bloomberg;

/// <summary>A time read from a Bloomberg file, with the text(s) it was read from.</summary>
internal readonly record struct BloombergTimestamp(DateTimeOffset At, string Text);

/// <summary>
/// Bloomberg writes times twice: epoch seconds (<c>DateTimeUTC</c>, <c>MsgTimeUTC</c>) and text
/// (<c>MM/dd/yyyy HH:mm:ss</c>). The epoch wins; the text is read as UTC when it is all there is.
/// </summary>
internal static class BloombergTime
{
    private static readonly string[] Formats =
    [
        "MM/dd/yyyy HH:mm:ss", "M/d/yyyy H:mm:ss", "MM/dd/yyyy HH:mm:ss.FFFFFFF", "M/d/yyyy h:mm:ss tt",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ss",
    ];

    /// <summary>Beyond this an epoch value is taken to be milliseconds (it would be after the year 5000 in seconds).</summary>
    private const decimal MillisecondsThreshold = 100_000_000_000m;

    /// <summary>The time from an epoch text and/or a date-time text; null when neither parses.</summary>
    public static BloombergTimestamp? Read(string? epochText, string? dateTimeText)
    {
        var at = ParseEpoch(epochText) ?? ParseText(dateTimeText) ?? ParseText(epochText);
        if (at is null)
        {
            return null;
        }
        var text = string.Join(" | ", new[] { dateTimeText, epochText }.Where(t => !string.IsNullOrEmpty(t)));
        return new BloombergTimestamp(at.Value, text);
    }

    private static DateTimeOffset? ParseEpoch(string? text)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }
        var seconds = Math.Abs(value) >= MillisecondsThreshold ? value / 1000m : value;
        var min = DateTimeOffset.MinValue.ToUnixTimeSeconds();
        var max = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
        return seconds < min || seconds > max
            ? null
            : DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
    }

    private static DateTimeOffset? ParseText(string? text) =>
        DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;
}

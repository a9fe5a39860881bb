using System.Globalization;

namespace Connectors.Sources.Slack;

/// <summary>
/// Slack's <c>ts</c>: epoch seconds, a dot and (usually six) digits, e.g. <c>1458972985.000010</c>. It is both
/// the message's time (UTC) and, within a conversation, its id — so it is kept as text and parsed only for the time.
/// </summary>
public static class SlackTimestamp
{
    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z

    public static bool TryParse(string? ts, out DateTimeOffset at)
    {
        at = default;
        if (string.IsNullOrEmpty(ts) || ts.Length > 40)
        {
            return false;
        }
        var dot = ts.IndexOf('.');
        var secondsText = dot < 0 ? ts : ts[..dot];
        var fraction = dot < 0 ? "" : ts[(dot + 1)..];
        if (secondsText.Length == 0 || !secondsText.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit)
            || !long.TryParse(secondsText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > MaxUnixSeconds)
        {
            return false;
        }
        // Ticks are 100 ns: seven fractional digits; more precision than that is dropped.
        var ticksText = fraction.Length >= 7 ? fraction[..7] : fraction.PadRight(7, '0');
        var ticks = long.Parse(ticksText, NumberStyles.None, CultureInfo.InvariantCulture);
        at = DateTimeOffset.UnixEpoch.AddSeconds(seconds).AddTicks(ticks);
        return true;
    }
}

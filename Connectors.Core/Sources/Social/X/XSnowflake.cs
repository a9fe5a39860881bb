using System.Globalization;

namespace Connectors.Sources.Social.X;

/// <summary>
/// X ids are "snowflakes": the top bits are milliseconds since 2010-11-04T01:42:54.657Z, so ids grow with time. That
/// gives a tweet's time without its <c>created_at</c>, and a <c>since_id</c> a lookback before a known id.
/// </summary>
public static class XSnowflake
{
    public const long EpochMilliseconds = 1288834974657;
    private const int TimestampShift = 22;

    public static bool TryParse(string? id, out long value) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;

    /// <summary>The time an id was made, if it is a snowflake (ids from before November 2010 are not).</summary>
    public static DateTimeOffset? TimeOf(string? id) =>
        TryParse(id, out var value) && value >> TimestampShift > 0
            ? DateTimeOffset.FromUnixTimeMilliseconds((value >> TimestampShift) + EpochMilliseconds)
            : null;

    /// <summary>The smallest id that could have been made at <paramref name="at"/>.</summary>
    public static long FirstIdAt(DateTimeOffset at)
    {
        var milliseconds = at.ToUnixTimeMilliseconds() - EpochMilliseconds;
        return milliseconds <= 0 ? 1 : milliseconds << TimestampShift;
    }

    /// <summary>
    /// The <c>since_id</c> that re-reads <paramref name="lookback"/> before <paramref name="newestId"/>: the overlap is
    /// absorbed by dedup and catches a post indexed late. A non-snowflake id is used as it is.
    /// </summary>
    public static string SinceId(string newestId, TimeSpan lookback)
    {
        if (lookback <= TimeSpan.Zero || TimeOf(newestId) is not { } at || !TryParse(newestId, out var newest))
        {
            return newestId;
        }
        var since = FirstIdAt(at - lookback);
        return Math.Min(since, newest).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The newer of two ids (numerically; null is older than any id).</summary>
    public static string? Newer(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a ?? b;
        }
        var aNumber = TryParse(a, out var x);
        var bNumber = TryParse(b, out var y);
        var aIsNewer = aNumber && bNumber ? x > y : aNumber != bNumber ? aNumber : string.CompareOrdinal(a, b) > 0;
        return aIsNewer ? a : b;
    }
}

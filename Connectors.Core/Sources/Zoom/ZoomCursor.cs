using System.Globalization;
using System.Text.Json;

namespace Connectors.Sources.Zoom;

/// <summary>
/// Where a Zoom connector has read up to: every day before <see cref="Through"/> has been collected for every
/// user. The next run starts at <see cref="Through"/> minus the connector's lookback (dedup absorbs the overlap).
/// </summary>
internal sealed record ZoomCursor(DateTimeOffset Through)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this with { Through = Through.ToUniversalTime() }, Json);

    public static ZoomCursor? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<ZoomCursor>(json, Json)
                ?? throw new InvalidOperationException("The Zoom connector's cursor is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The Zoom connector's cursor cannot be read ({ex.Message}).", ex);
        }
    }

    /// <summary>The first day a run collects: the cursor minus the lookback, or the first-run start.</summary>
    public static DateOnly FirstDay(ZoomCursor? cursor, TimeSpan lookback, ZoomSettings settings, DateOnly today)
    {
        var first = cursor is not null
            ? DateOnly.FromDateTime((cursor.Through - lookback).UtcDateTime)
            : settings.StartDate ?? today.AddDays(-ZoomSettings.DefaultInitialDays);
        return first > today ? today : first;
    }
}

/// <summary>Days <see cref="First"/> to <see cref="Last"/> (both included, UTC): one request window.</summary>
internal readonly record struct ZoomWindow(DateOnly First, DateOnly Last)
{
    public int Days => Last.DayNumber - First.DayNumber + 1;

    /// <summary>The window as Zoom's date parameters (recordings): yyyy-MM-dd, both ends included.</summary>
    public string FromDate => First.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    public string ToDate => Last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The window as date-times (team chat): from the first day's start to the last day's end, UTC.</summary>
    public string FromInstant => $"{FromDate}T00:00:00Z";
    public string ToInstant => $"{ToDate}T23:59:59Z";

    /// <summary>
    /// Splits <paramref name="first"/>…<paramref name="last"/> into consecutive windows of at most
    /// <paramref name="maxDays"/> days (Zoom lists recordings for at most a month per request).
    /// </summary>
    public static IEnumerable<ZoomWindow> Split(DateOnly first, DateOnly last, int maxDays)
    {
        for (var start = first; start <= last; start = start.AddDays(maxDays))
        {
            var end = start.AddDays(maxDays - 1);
            yield return new ZoomWindow(start, end > last ? last : end);
        }
    }

    public override string ToString() => $"{FromDate}…{ToDate}";
}

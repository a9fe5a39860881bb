using System.Globalization;
using System.Text.Json;

namespace Connectors.Sources.Badging;

/// <summary>A time as the source wrote it, in UTC, and whether an offset had to be assumed.</summary>
public sealed record BadgeTime(DateTimeOffset Utc, string Text, bool OffsetAssumed);

/// <summary>One badge access event as Purview's physical badging connector takes it.</summary>
public sealed record BadgeRecord(string UserId, string AssetId, string? AssetName, BadgeTime EventTime, string AccessStatus);

/// <summary>A record of the array: the event, or why it was rejected (and the field at fault).</summary>
public sealed record BadgeRow(int Index, BadgeRecord? Record, string? Field, string? Error);

/// <summary>The body: either not a JSON array at all (<see cref="Error"/>), or its records one by one.</summary>
public sealed record BadgingBody(string? Error, IReadOnlyList<BadgeRow> Rows)
{
    public int Accepted => Rows.Count(r => r.Record is not null);
    public int Rejected => Rows.Count(r => r.Record is null);
}

/// <summary>
/// Reads the JSON array pushed to a physical badging connector: <c>{UserId, AssetId, AssetName?, EventTime,
/// AccessStatus}</c>. A UTF-8 BOM, extra fields, any property-name case and timestamps without an offset (taken
/// as UTC, and flagged) are accepted, as real exports carry them. Each record is judged on its own.
/// </summary>
public static class BadgingJson
{
    public const int MaxRecords = 50_000;
    public const int MaxUserIdLength = 320;
    public const int MaxAssetIdLength = 200;
    public const int MaxAssetNameLength = 400;

    public static BadgingBody Parse(ReadOnlyMemory<byte> body)
    {
        var bytes = body.Span.StartsWith("\uFEFF"u8) ? body[3..] : body;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            return new BadgingBody($"The body is not valid JSON: {ex.Message}", []);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return new BadgingBody($"The body must be a JSON array of badge events; it is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.", []);
            }
            var count = document.RootElement.GetArrayLength();
            if (count > MaxRecords)
            {
                return new BadgingBody($"The array has {count:N0} records; at most {MaxRecords:N0} are taken per call. Send them in smaller calls.", []);
            }
            return new BadgingBody(null, document.RootElement.EnumerateArray().Select((e, i) => Row(i, e)).ToList());
        }
    }

    /// <summary>Whether a parse error means the body is too large (413) rather than malformed (400).</summary>
    public static bool IsTooMany(BadgingBody body) => body.Error?.Contains("at most", StringComparison.Ordinal) == true && body.Rows.Count == 0;

    private static BadgeRow Row(int index, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new BadgeRow(index, null, null, $"Record {index} is a JSON {element.ValueKind.ToString().ToLowerInvariant()}, not an object.");
        }
        string? Text(string name) => element.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is
            { Value.ValueKind: JsonValueKind.String } p ? p.Value.GetString()?.Trim() : null;

        var userId = Text("UserId");
        if (string.IsNullOrEmpty(userId) || userId.Length > MaxUserIdLength)
        {
            return new BadgeRow(index, null, "UserId", $"UserId is required (a string of 1 to {MaxUserIdLength} characters).");
        }
        var assetId = Text("AssetId");
        if (string.IsNullOrEmpty(assetId) || assetId.Length > MaxAssetIdLength)
        {
            return new BadgeRow(index, null, "AssetId", $"AssetId is required (a string of 1 to {MaxAssetIdLength} characters).");
        }
        var assetName = Text("AssetName");
        if (assetName is { Length: > MaxAssetNameLength })
        {
            return new BadgeRow(index, null, "AssetName", $"AssetName is limited to {MaxAssetNameLength} characters.");
        }
        var eventTime = Text("EventTime");
        if (string.IsNullOrEmpty(eventTime) || ParseTime(eventTime) is not { } time)
        {
            return new BadgeRow(index, null, "EventTime", $"EventTime must be an ISO 8601 date and time (for example 2024-05-01T08:30:00Z); got '{eventTime}'.");
        }
        var status = Text("AccessStatus");
        var normalised = string.Equals(status, "Success", StringComparison.OrdinalIgnoreCase) ? "Success"
            : string.Equals(status, "Failed", StringComparison.OrdinalIgnoreCase) ? "Failed" : null;
        if (normalised is null)
        {
            return new BadgeRow(index, null, "AccessStatus", $"AccessStatus must be Success or Failed; got '{status}'.");
        }
        return new BadgeRow(index, new BadgeRecord(userId, assetId, string.IsNullOrEmpty(assetName) ? null : assetName, time, normalised), null, null);
    }

    /// <summary>ISO 8601 with or without fractions and offset; without an offset the time is taken as UTC and flagged.</summary>
    public static BadgeTime? ParseTime(string text)
    {
        var withOffset = text.EndsWith('Z') || text.EndsWith('z') || HasOffset(text);
        var styles = DateTimeStyles.AllowWhiteSpaces | (withOffset ? DateTimeStyles.None : DateTimeStyles.AssumeUniversal);
        if (!text.Contains('T') && !text.Contains(' '))
        {
            return null;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles, out var value)
            ? new BadgeTime(value.ToUniversalTime(), text, !withOffset)
            : null;
    }

    private static bool HasOffset(string text)
    {
        var t = text.IndexOfAny(['T', ' ']);
        var tail = t < 0 ? "" : text[(t + 1)..];
        return tail.Contains('+') || tail.Contains('-');
    }
}

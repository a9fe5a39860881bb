using System.Globalization;
using System.Text.Json;

namespace Connectors.Sources.Slack;

/// <summary>Tolerant reads of Slack JSON: a missing, null or wrongly typed field is absent, never an exception.</summary>
internal static class SlackJson
{
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = SlackLimits.MaxJsonDepth };

    /// <summary>A string property; a number is taken as its JSON text (some tools write <c>ts</c> as a number).</summary>
    public static string? String(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }

    public static string? NonEmpty(JsonElement element, string name) => String(element, name) is { Length: > 0 } value ? value : null;

    public static bool IsTrue(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static JsonElement Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : default;

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    public static long? Int64(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }
        return value.ValueKind == JsonValueKind.String
            && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    /// <summary>Exceptions that mean "this content is bad" (e.g. invalid UTF-8 in a string), not a bug or cancellation.</summary>
    public static bool IsContentError(Exception e) =>
        e is JsonException or InvalidOperationException or FormatException or ArgumentException or OverflowException
        && e is not OperationCanceledException;
}

using System.Globalization;
using System.Xml.Linq;
using Connectors.Archive;

namespace Connectors.Sources.Files;

/// <summary>
/// Reading fields of a chat record loaded by <see cref="XmlRecordReader"/>. Vendor layouts are not published,
/// so lookups are forgiving: a field is an attribute or a child element of the given local name, ignoring case.
/// </summary>
internal static class ChatXml
{
    /// <summary>ISO 8601, or Unix epoch seconds or milliseconds when the value is only digits.</summary>
    public const string AutoTimestamp = "auto";
    /// <summary>ISO 8601 with or without fractions and offset (no offset means UTC).</summary>
    public const string IsoTimestamp = "iso8601";
    /// <summary>Unix epoch seconds, fractions allowed.</summary>
    public const string EpochSecondsTimestamp = "epochSeconds";
    /// <summary>Unix epoch milliseconds.</summary>
    public const string EpochMillisecondsTimestamp = "epochMilliseconds";

    /// <summary>An epoch value at or above this is taken as milliseconds (as seconds it would be past the year 5000).</summary>
    private const decimal EpochMillisecondsFrom = 100_000_000_000m;

    private const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces;

    /// <summary>The trimmed value of attribute or child element <paramref name="name"/>; null when absent or empty.</summary>
    public static string? Field(this XElement element, string name)
    {
        var value = element.Attributes().FirstOrDefault(a => Is(a.Name, name))?.Value
            ?? element.Child(name)?.Value;
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>The text of child element <paramref name="name"/> exactly as written (a message body); null when absent.</summary>
    public static string? Text(this XElement element, string name) => element.Child(name)?.Value;

    /// <summary>The first child element named <paramref name="name"/>, ignoring case.</summary>
    public static XElement? Child(this XElement element, string name) => element.Elements().FirstOrDefault(e => Is(e.Name, name));

    /// <summary>The elements named <paramref name="name"/> at any depth inside <paramref name="element"/>, ignoring case.</summary>
    public static IEnumerable<XElement> DescendantsNamed(this XElement element, string name) =>
        element.Descendants().Where(e => Is(e.Name, name));

    /// <summary>A 64-bit number field (a size); null when absent or not a number.</summary>
    public static long? Number(this XElement element, string name) =>
        long.TryParse(element.Field(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static bool Is(XName name, string localName) => string.Equals(name.LocalName, localName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parses a sent time. <paramref name="format"/> is <see cref="AutoTimestamp"/>, <see cref="IsoTimestamp"/>,
    /// <see cref="EpochSecondsTimestamp"/>, <see cref="EpochMillisecondsTimestamp"/>, or a .NET custom format
    /// (e.g. <c>MM/dd/yyyy HH:mm:ss</c>) read with the invariant culture. Times without an offset are UTC.
    /// </summary>
    public static bool TryParseTimestamp(string text, string format, out DateTimeOffset sentAt)
    {
        sentAt = default;
        text = text.Trim();
        if (Named(format, AutoTimestamp))
        {
            return LooksLikeEpoch(text) ? TryParseEpoch(text, milliseconds: null, out sentAt) : TryParseIso(text, out sentAt);
        }
        if (Named(format, IsoTimestamp))
        {
            return TryParseIso(text, out sentAt);
        }
        if (Named(format, EpochSecondsTimestamp) || Named(format, EpochMillisecondsTimestamp))
        {
            return TryParseEpoch(text, milliseconds: Named(format, EpochMillisecondsTimestamp), out sentAt);
        }
        return DateTimeOffset.TryParseExact(text, format, CultureInfo.InvariantCulture, Utc, out sentAt);
    }

    private static bool Named(string format, string name) => string.Equals(format, name, StringComparison.OrdinalIgnoreCase);

    private static bool LooksLikeEpoch(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c == '.') && char.IsAsciiDigit(text[0]);

    // ISO 8601 starts with a four-digit year; this refuses ambiguous forms such as 01/02/2026.
    private static bool TryParseIso(string text, out DateTimeOffset sentAt)
    {
        sentAt = default;
        return text.Length >= 10 && text[4] == '-' && text[7] == '-'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, Utc, out sentAt);
    }

    private static bool TryParseEpoch(string text, bool? milliseconds, out DateTimeOffset sentAt)
    {
        sentAt = default;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }
        var ms = (milliseconds ?? value >= EpochMillisecondsFrom) ? value : value * 1000m;
        if (ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }
        sentAt = DateTimeOffset.FromUnixTimeMilliseconds((long)decimal.Truncate(ms));
        return true;
    }

    /// <summary>Shortens a value quoted in a failure reason: never echo a large part of a hostile file.</summary>
    public static string Quote(string value) => value.Length <= 40 ? $"'{value}'" : $"'{value[..40]}…'";

    /// <summary>" at line N" when the line is known.</summary>
    public static string AtLine(int? line) => line is null ? "" : $" at line {line}";

    /// <summary>A character count for people: "16 Mi characters".</summary>
    public static string Size(int characters) =>
        characters >= 1024 * 1024 ? $"{characters / (1024 * 1024)} Mi characters" : $"{characters} characters";

    /// <summary>Names a record that has no id of its own: the file and its position among the file's records.</summary>
    public static string Locator(FileParseContext context, int ordinal) => $"{context.FileName}#{ordinal}";

    /// <summary>
    /// The people a message went to: without duplicates and without the sender (chat exports often list the
    /// whole room, sender included).
    /// </summary>
    public static IReadOnlyList<SourceIdentity> Recipients(IEnumerable<SourceIdentity> listed, SourceIdentity sender) =>
        listed.Where(r => !string.Equals(r.SourceId, sender.SourceId, StringComparison.OrdinalIgnoreCase))
            .DistinctBy(r => r.SourceId, StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>A properties dictionary of the values that are present.</summary>
    public static IReadOnlyDictionary<string, string> Properties(params (string Name, string? Value)[] values) =>
        values.Where(v => v.Value is not null).ToDictionary(v => v.Name, v => v.Value!, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The message's attachments, matched by vendor file id with those delivered beside the file. One not
    /// delivered keeps its name and size with an empty SHA-256 and makes the item "partially imported".
    /// </summary>
    public static (IReadOnlyList<ItemAttachment> Attachments, string? PartialReason) Attachments(
        IEnumerable<(string? Id, string? Name, long? Size)> listed, FileParseContext context)
    {
        var attachments = new List<ItemAttachment>();
        var missing = new List<string>();
        foreach (var (id, name, size) in listed)
        {
            DeliveredAttachment? delivered = null;
            if (id is not null)
            {
                context.Attachments?.TryGetValue(id, out delivered);
            }
            var shownName = name ?? delivered?.Name ?? id ?? "attachment";
            attachments.Add(new ItemAttachment(shownName, size ?? delivered?.Size ?? 0, null, delivered?.Sha256 ?? ""));
            if (delivered is null)
            {
                missing.Add(id is null ? $"Attachment {shownName} has no file id and was not delivered" : $"Attachment {shownName} (file id {id}) was not delivered");
            }
        }
        return (attachments, missing.Count == 0 ? null : string.Join("; ", missing) + ".");
    }
}

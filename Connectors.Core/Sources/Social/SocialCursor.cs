using System.Text.Json;

namespace Connectors.Sources.Social;

/// <summary>Where one stream of a social source (posts, mentions, a page feed) stands: its newest id or time read.</summary>
public sealed record StreamCursor(string? NewestId = null, DateTimeOffset? NewestAt = null);

/// <summary>
/// A social connector's cursor: one <see cref="StreamCursor"/> per stream, stored as JSON and committed with each
/// batch. While a pass pages from newest to oldest the stream's old position is committed, and the new one only
/// with the pass's last page, so a run that stops half way re-reads the pass instead of skipping its older pages.
/// </summary>
public sealed class SocialCursor
{
    // Values kept as JSON: most are stream positions, but a source may keep other state under its own key
    // (X keeps its batch-compliance job there); a stream read never drops another key.
    private readonly Dictionary<string, JsonElement> _entries;

    private SocialCursor(Dictionary<string, JsonElement> entries) => _entries = entries;

    public static SocialCursor Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new SocialCursor(new Dictionary<string, JsonElement>(StringComparer.Ordinal));
        }
        try
        {
            var entries = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json, JsonSerializerOptions.Web);
            return new SocialCursor(new Dictionary<string, JsonElement>(entries ?? [], StringComparer.Ordinal));
        }
        catch (JsonException)
        {
            // A cursor we cannot read (another format) means reading everything the API still offers; dedup absorbs it.
            return new SocialCursor(new Dictionary<string, JsonElement>(StringComparer.Ordinal));
        }
    }

    public StreamCursor? this[string stream] => Get<StreamCursor>(stream);

    /// <summary>The value kept under <paramref name="key"/>; null when absent or not of that shape.</summary>
    public T? Get<T>(string key) where T : class
    {
        if (!_entries.TryGetValue(key, out var value) || value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        try
        {
            return value.Deserialize<T>(JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public SocialCursor With(string stream, StreamCursor value) => WithValue(stream, value);

    /// <summary>A copy with <paramref name="value"/> under <paramref name="key"/> (null removes the key).</summary>
    public SocialCursor WithValue<T>(string key, T? value) where T : class
    {
        var entries = new Dictionary<string, JsonElement>(_entries, StringComparer.Ordinal);
        if (value is null)
        {
            entries.Remove(key);
        }
        else
        {
            entries[key] = JsonSerializer.SerializeToElement(value, JsonSerializerOptions.Web);
        }
        return new SocialCursor(entries);
    }

    public string ToJson() => JsonSerializer.Serialize(_entries, JsonSerializerOptions.Web);
}

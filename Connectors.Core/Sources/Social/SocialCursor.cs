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
    private readonly Dictionary<string, StreamCursor> _streams;

    private SocialCursor(Dictionary<string, StreamCursor> streams) => _streams = streams;

    public static SocialCursor Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new SocialCursor(new Dictionary<string, StreamCursor>(StringComparer.Ordinal));
        }
        try
        {
            var streams = JsonSerializer.Deserialize<Dictionary<string, StreamCursor>>(json, JsonSerializerOptions.Web);
            return new SocialCursor(new Dictionary<string, StreamCursor>(streams ?? [], StringComparer.Ordinal));
        }
        catch (JsonException)
        {
            // A cursor we cannot read (another format) means reading everything the API still offers; dedup absorbs it.
            return new SocialCursor(new Dictionary<string, StreamCursor>(StringComparer.Ordinal));
        }
    }

    public StreamCursor? this[string stream] => _streams.GetValueOrDefault(stream);

    public SocialCursor With(string stream, StreamCursor value) =>
        new(new Dictionary<string, StreamCursor>(_streams, StringComparer.Ordinal) { [stream] = value });

    public string ToJson() => JsonSerializer.Serialize(_streams, JsonSerializerOptions.Web);
}

using Connectors.Archive;

namespace Connectors.Sources.Bloomberg;

/// <summary>
/// What the parser knows about the Instant Bloomberg conversation it is in: its room, its start time, who is
/// present (entered and not yet left, or seen sending), and how often each event key has occurred so far
/// (so identical events in the same second stay distinct items with stable ids).
/// </summary>
internal sealed class ConversationState
{
    private readonly OrderedDictionary<string, SourceIdentity> _present = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Occurrences per event key, by the second the key names; only a recent window is kept.</summary>
    private readonly SortedDictionary<long, Dictionary<string, int>> _occurrences = [];

    /// <summary>
    /// How far back (in event time) identical keys are remembered. Keys name their second, so only events of the
    /// same second can collide; events arrive in time order, and a window of minutes absorbs small disorder while
    /// keeping memory bounded however long a persistent chat room runs.
    /// </summary>
    private const long OccurrenceWindowSeconds = 600;
    private long _latestSecond = long.MinValue;
    private string? _startEpoch;
    private string? _startText;

    /// <summary>The conversation's <c>RoomID</c>, once read.</summary>
    public string? RoomId { get; private set; }

    /// <summary>The time of the latest event that had one; events without a time fall back to it.</summary>
    public DateTimeOffset? LastTime { get; set; }

    /// <summary>The time to give an event that has none: the latest event's, else the conversation start.</summary>
    public DateTimeOffset? FallbackTime => LastTime ?? BloombergTime.Read(_startEpoch, _startText)?.At;

    /// <summary>Whether <paramref name="elementName"/> is a conversation header field this state keeps.</summary>
    public static bool IsHeader(string elementName) =>
        elementName.Equals("RoomID", StringComparison.OrdinalIgnoreCase)
        || elementName.Equals("StartTime", StringComparison.OrdinalIgnoreCase)
        || elementName.Equals("StartTimeUTC", StringComparison.OrdinalIgnoreCase);

    public void SetHeader(string elementName, string? value)
    {
        value = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (elementName.Equals("RoomID", StringComparison.OrdinalIgnoreCase))
        {
            RoomId = value;
        }
        else if (elementName.Equals("StartTimeUTC", StringComparison.OrdinalIgnoreCase))
        {
            _startEpoch = value;
        }
        else if (elementName.Equals("StartTime", StringComparison.OrdinalIgnoreCase))
        {
            _startText = value;
        }
    }

    /// <summary>How many times <paramref name="key"/> (an event of <paramref name="second"/>) occurred before; counts this one.</summary>
    public int Occurrence(long second, string key)
    {
        if (!_occurrences.TryGetValue(second, out var keys))
        {
            _occurrences[second] = keys = new Dictionary<string, int>(StringComparer.Ordinal);
            _latestSecond = Math.Max(_latestSecond, second);
            while (_occurrences.Count > 1 && _occurrences.Keys.First() < _latestSecond - OccurrenceWindowSeconds)
            {
                _occurrences.Remove(_occurrences.Keys.First());
            }
        }
        keys.TryGetValue(key, out var count);
        keys[key] = count + 1;
        return count;
    }

    /// <summary>
    /// Applies an event's effect on who is present and returns who else is present at that moment: the
    /// item's recipients (one mailbox copy each).
    /// </summary>
    public List<SourceIdentity> Observe(InstantBloombergEventKind kind, SourceIdentity sender, bool isPerson)
    {
        if (isPerson)
        {
            switch (kind)
            {
                case InstantBloombergEventKind.ParticipantEntered or InstantBloombergEventKind.Message or InstantBloombergEventKind.Attachment
                    or InstantBloombergEventKind.Invite:
                    _present[sender.SourceId] = sender;
                    break;
                case InstantBloombergEventKind.ParticipantLeft:
                    _present.Remove(sender.SourceId);
                    break;
            }
        }
        return _present.Values.Where(p => !BloombergIdentity.Same(p, sender)).ToList();
    }
}

namespace Connectors.Sources.Bloomberg;

/// <summary>The events of an Instant Bloomberg conversation; each becomes its own item.</summary>
public enum InstantBloombergEventKind
{
    ParticipantEntered,
    ParticipantLeft,
    Message,
    Attachment,
    Invite,
    History,
    SystemMessage,
}

/// <summary>Element names of the events, matched ignoring case.</summary>
internal static class InstantBloombergEvents
{
    private static readonly Dictionary<string, InstantBloombergEventKind> ByName =
        Enum.GetValues<InstantBloombergEventKind>().ToDictionary(k => k.ToString(), StringComparer.OrdinalIgnoreCase);

    public static bool TryGetKind(string elementName, out InstantBloombergEventKind kind) => ByName.TryGetValue(elementName, out kind);
}

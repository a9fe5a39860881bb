namespace Connectors.Sources.Jabber;

/// <summary>
/// Who was in which room when, from TC_TIMELOG: the readers of a group chat message (the people present when
/// it was sent) and the person behind a nickname (<c>room@service/nick</c>).
/// </summary>
internal sealed class RoomPresence
{
    public static readonly RoomPresence Empty = new([]);

    private sealed record Stay(Jid User, Jid? Nick, DateTime Start, DateTime? End)
    {
        public bool Covers(DateTime at) => Start <= at && (End is null || End >= at);
    }

    private readonly Dictionary<string, List<Stay>> _byRoom;

    private RoomPresence(Dictionary<string, List<Stay>> byRoom) => _byRoom = byRoom;

    public static RoomPresence From(IEnumerable<JabberOccupancy> stays)
    {
        var byRoom = new Dictionary<string, List<Stay>>(StringComparer.Ordinal);
        foreach (var stay in stays)
        {
            if (!Jid.TryParse(stay.RoomJid, out var room) || !Jid.TryParse(stay.UserJid, out var user) || stay.Start is not { } start)
            {
                continue;
            }
            Jid? nick = Jid.TryParse(stay.NickJid, out var n) ? n : null;
            if (!byRoom.TryGetValue(room.Bare, out var list))
            {
                byRoom[room.Bare] = list = [];
            }
            list.Add(new Stay(user.BareJid, nick, start, stay.End));
        }
        return new RoomPresence(byRoom);
    }

    /// <summary>Whether TC_TIMELOG knows this bare JID as a room.</summary>
    public bool IsRoom(string bare) => _byRoom.ContainsKey(bare);

    /// <summary>The people in the room at that moment, each once, in the order they entered.</summary>
    public IReadOnlyList<Jid> PresentAt(string room, DateTime at) =>
        _byRoom.TryGetValue(room, out var stays)
            ? stays.Where(s => s.Covers(at)).OrderBy(s => s.Start).Select(s => s.User).DistinctBy(u => u.Bare).ToList()
            : [];

    /// <summary>The person using a nickname in a room: the stay covering the moment, else the latest stay with that nickname.</summary>
    public Jid? WhoIs(Jid nickname, DateTime at)
    {
        if (nickname.Resource is null || !_byRoom.TryGetValue(nickname.Bare, out var stays))
        {
            return null;
        }
        var matching = stays.Where(s => s.Nick is { } n && n.Bare == nickname.Bare && n.Resource == nickname.Resource).ToList();
        return (matching.FirstOrDefault(s => s.Covers(at)) ?? matching.MaxBy(s => s.Start))?.User;
    }
}

using Connectors.Archive;

namespace Connectors.Sources.Jabber;

/// <summary>
/// A Jabber ID, <c>local@domain/resource</c> (RFC 7622). The local part and domain compare without case (lower
/// case here, an approximation of their preparation profiles); the resource (a device, or a nickname in a room)
/// keeps its case.
/// </summary>
public readonly record struct Jid(string? Local, string Domain, string? Resource)
{
    /// <summary>The JID without its resource: the person (or the room).</summary>
    public string Bare => Local is null ? Domain : $"{Local}@{Domain}";

    public Jid BareJid => this with { Resource = null };

    public override string ToString() => Resource is null ? Bare : $"{Bare}/{Resource}";

    public static bool TryParse(string? text, out Jid jid)
    {
        jid = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        var slash = text.IndexOf('/');
        var bare = slash < 0 ? text : text[..slash];
        var resource = slash < 0 ? null : text[(slash + 1)..];
        var at = bare.IndexOf('@');
        if (at != bare.LastIndexOf('@') || at == 0 || resource is "")
        {
            return false;
        }
        var local = at < 0 ? null : bare[..at].ToLowerInvariant();
        var domain = (at < 0 ? bare : bare[(at + 1)..]).ToLowerInvariant();
        if (domain.Length == 0 || domain.Length > 1023 || bare.Any(char.IsWhiteSpace) || domain.Contains(".."))
        {
            return false;
        }
        jid = new Jid(local, domain, resource);
        return true;
    }

    /// <summary>
    /// The person as an identity: the bare JID is the source id and, having the form of an address, the email
    /// to map by (IM addresses usually equal email addresses; where they do not, a custom mapping by the bare
    /// JID maps the person). A JID without a local part (a server or service) has no email.
    /// </summary>
    public SourceIdentity Person() => new(Bare, null, Local is null ? null : Bare);

    /// <summary>A room occupant known only by nickname (<c>room@service/nick</c>): an identity nobody maps automatically.</summary>
    public SourceIdentity Nickname() => new(ToString(), Resource, null);
}

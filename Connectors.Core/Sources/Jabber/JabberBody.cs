using System.Xml;
using System.Xml.Linq;
using Connectors.Sources.Files;

namespace Connectors.Sources.Jabber;

/// <summary>
/// A message's text from TC_MSGARCHIVE or JM. Cisco keeps the body in BODY_STRING (short) or BODY_TEXT (long)
/// and the whole XMPP stanza in MESSAGE_STRING or MESSAGE_TEXT; BODY_LEN is the body's length. The body columns
/// win; without them the stanza's <c>&lt;body/&gt;</c> is read (untrusted XML: no DTD, bounded size).
/// </summary>
internal static class JabberBody
{
    /// <summary>Largest stanza parsed, in characters (MESSAGE_TEXT is unbounded).</summary>
    public const int MaxStanzaCharacters = 4 * 1024 * 1024;

    public sealed record Result(string? Text, string? Error, string? PartialReason);

    public static Result Read(JabberRow row)
    {
        var fromColumns = Longer(row.String("body_string"), row.String("body_text"));
        if (fromColumns is not null)
        {
            return new Result(fromColumns, null, null);
        }
        var stanza = Longer(row.String("message_string"), row.String("message_text"));
        var declared = row.Int64("body_len");
        if (stanza is null)
        {
            return declared > 0
                ? new Result("", null, $"BODY_LEN says the body has {declared} characters, but no body or message column holds it.")
                : new Result("", null, null);
        }
        string? text;
        try
        {
            text = BodyOf(stanza);
        }
        catch (XmlException ex)
        {
            return new Result(null, $"The message stanza is not well-formed XML and no BODY_STRING or BODY_TEXT holds the text: {ex.Message}", null);
        }
        return text is null && declared > 0
            ? new Result("", null, $"BODY_LEN says the body has {declared} characters, but the stanza has no body.")
            : new Result(text ?? "", null, null);
    }

    /// <summary>The text of the stanza's own <c>&lt;body/&gt;</c> (not an XHTML-IM one); null when it has none.</summary>
    internal static string? BodyOf(string stanza)
    {
        using var reader = XmlReader.Create(new StringReader(stanza), SafeXml.Settings(MaxStanzaCharacters));
        var root = XDocument.Load(reader).Root!;
        return root.Elements()
            .FirstOrDefault(e => e.Name.LocalName == "body" && (e.Name.NamespaceName is "" or "jabber:client" or "jabber:server"))
            ?.Value;
    }

    private static string? Longer(string? a, string? b) => (a, b) switch
    {
        (null, _) => b,
        (_, null) => a,
        _ => b.Length > a.Length ? b : a,
    };
}

using System.Globalization;
using System.Text;
using System.Xml;

namespace Connectors.Benchmarks;

/// <summary>What a generated FileDump holds, and what importing it must give.</summary>
/// <param name="Events">Every event element (entries, messages, exits): one archive item each.</param>
/// <param name="Copies">Mailbox copies the events must get: per event, the directory people among its participants.</param>
internal sealed record InstantBloombergFile(long Conversations, long Messages, long Events, long Copies, long ExternalParticipations)
{
    public long Entries { get; init; }
    public long Exits { get; init; }
}

/// <summary>
/// One day of Instant Bloomberg chat as a FileDump XML, written straight to a stream (nothing is held but the
/// conversation being written): conversations of 20–300 messages, two participants entering at the start and up
/// to four joining later, a fifth of the participants external (other firms, no CorporateEmailAddress, so they map
/// to no mailbox), messages of 100–300 characters of desk chat, every participant leaving at the end.
/// Deterministic for a seed. Everyone inside the firm is one of the 200 <see cref="SyntheticSlack.People"/>,
/// who all have a directory account under their CorporateEmailAddress, so every event lands in at least one mailbox.
/// </summary>
internal static class SyntheticInstantBloomberg
{
    public const string Firm = "f123456";

    /// <summary>The file's day: 24 November 2026, as in the file name <c>f123456.ib19.261124.xml</c>.</summary>
    private static readonly DateTimeOffset Day = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    private sealed record Trader(string Login, string First, string Last, string Uuid, string FirmNumber, string AccountNumber,
        string Company, string Email, string? CorporateEmail)
    {
        public bool InDirectory => CorporateEmail is not null;
    }

    private static readonly IReadOnlyList<Trader> Internal = SyntheticSlack.People.Select((p, i) =>
    {
        var (first, last) = (p.RealName.Split(' ')[0], p.RealName.Split(' ')[1]);
        return new Trader(p.Handle.Replace('.', '_').ToUpperInvariant(), first, last, (26_000_000 + i * 7).ToString(CultureInfo.InvariantCulture),
            "123456", (30_000 + i).ToString(CultureInfo.InvariantCulture), "Contoso Capital LLP", $"{p.Handle.Replace(".", "")}{i}@bloomberg.net", p.Email);
    }).ToList();

    private static readonly IReadOnlyList<Trader> External = Enumerable.Range(0, 120).Select(i =>
    {
        string[] firsts = ["Hiro", "Anna", "Marco", "Leila", "Tom", "Priya", "Jonas", "Chloe", "Diego", "Fatima", "Omar", "Ines"];
        string[] lasts = ["Sato", "Berg", "Conti", "Haddad", "Walsh", "Iyer", "Lind", "Moreau", "Reyes", "Aziz"];
        string[] companies = ["Northwind Bank", "Fabrikam Securities", "Tailspin Markets", "Woodgrove Asset Management", "Litware Trading", "Adatum Brokers"];
        var (first, last) = (firsts[i % firsts.Length], lasts[i / firsts.Length % lasts.Length]);
        return new Trader($"{first[0]}{last}{i}".ToUpperInvariant(), first, last, (51_000_000 + i * 13).ToString(CultureInfo.InvariantCulture),
            (700_000 + i % companies.Length).ToString(CultureInfo.InvariantCulture), (90_000 + i).ToString(CultureInfo.InvariantCulture),
            companies[i % companies.Length], $"{first.ToLowerInvariant()}{last.ToLowerInvariant()}{i}@bloomberg.net", null);
    }).ToList();

    // Desk shorthand that XML must escape, mixed into the chat words now and then.
    private static readonly string[] Escaped = ["P&L", "<5bps", ">1bn", "\"firm\"", "O'Neil", "T&Cs", "bid/offer", "M&A"];

    /// <summary>The name Bloomberg gives the day's Instant Bloomberg file (before encryption).</summary>
    public static string FileName(string firm = Firm) => $"{firm}.ib19.{Day:yyMMdd}.xml";

    /// <summary>
    /// Writes a FileDump of <paramref name="messages"/> messages to <paramref name="output"/> (left open).
    /// <paramref name="roomPrefix"/> keeps the rooms (and so the item keys) of different files apart;
    /// <paramref name="oneRoom"/> puts every message in a single conversation (a busy persistent chat room).
    /// </summary>
    public static InstantBloombergFile Write(Stream output, int messages, int seed, string roomPrefix, bool oneRoom = false)
    {
        var random = new Random(seed);
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = true,
            IndentChars = " ",
            CloseOutput = false,
        };
        long conversations = 0, written = 0, events = 0, copies = 0, externals = 0, entries = 0, exits = 0;
        var text = new StringBuilder(320);
        using (var xml = XmlWriter.Create(output, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("FileDump");
            while (written < messages)
            {
                conversations++;
                var count = oneRoom ? messages : (int)Math.Min(messages - written, random.Next(20, 301));
                var start = Day.AddSeconds(random.Next(6 * 3600, 19 * 3600));
                var at = start;

                // The first participant is always from the firm, so even an event among outsiders has a mailbox.
                var people = new List<Trader> { Internal[random.Next(Internal.Count)] };
                var wanted = random.Next(2, 7);
                while (people.Count < wanted)
                {
                    var candidate = random.Next(5) == 0 ? External[random.Next(External.Count)] : Internal[random.Next(Internal.Count)];
                    if (!people.Contains(candidate))
                    {
                        people.Add(candidate);
                    }
                }
                // Two are there from the start; the others join before one of the messages.
                var joinsAt = people.Skip(2).Select(p => (Trader: p, Before: random.Next(1, count))).ToList();
                var present = new List<Trader>();

                xml.WriteStartElement("Conversation");
                xml.WriteElementString("RoomID", $"{roomPrefix}{conversations:X8}");
                WriteTime(xml, "StartTime", "StartTimeUTC", start);

                void Event(string kind, Trader who, string? content)
                {
                    events++;
                    // The event's participants are who is present and the person who did it (ConversationState.Observe).
                    copies += present.Append(who).Distinct().Count(p => p.InDirectory);
                    xml.WriteStartElement(kind);
                    WriteUser(xml, who);
                    WriteTime(xml, "DateTime", "DateTimeUTC", at);
                    if (content is not null)
                    {
                        xml.WriteElementString("Content", content);
                    }
                    xml.WriteEndElement();
                }

                void Enter(Trader who)
                {
                    present.Add(who);
                    Event("ParticipantEntered", who, null);
                    entries++;
                    externals += who.InDirectory ? 0 : 1;
                }

                foreach (var first in people.Take(2))
                {
                    Enter(first);
                    at = at.AddSeconds(random.Next(0, 20));
                }
                for (var i = 0; i < count; i++)
                {
                    foreach (var (joiner, _) in joinsAt.Where(j => j.Before == i))
                    {
                        Enter(joiner);
                    }
                    at = at.AddSeconds(random.Next(1, 91));
                    Event("Message", present[random.Next(present.Count)], Chat(random, text));
                    written++;
                }
                // Everyone leaves, the last to arrive first: the firm's first participant is the last one there.
                for (var i = present.Count - 1; i >= 0; i--)
                {
                    at = at.AddSeconds(random.Next(5, 120));
                    Event("ParticipantLeft", present[i], null);
                    present.RemoveAt(i);
                    exits++;
                }
                WriteTime(xml, "EndTime", "EndTimeUTC", at);
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return new InstantBloombergFile(conversations, written, events, copies, externals) { Entries = entries, Exits = exits };
    }

    private static void WriteUser(XmlWriter xml, Trader who)
    {
        xml.WriteStartElement("User");
        xml.WriteElementString("LoginName", who.Login);
        xml.WriteElementString("FirstName", who.First);
        xml.WriteElementString("LastName", who.Last);
        xml.WriteElementString("UUID", who.Uuid);
        xml.WriteElementString("FirmNumber", who.FirmNumber);
        xml.WriteElementString("AccountNumber", who.AccountNumber);
        xml.WriteElementString("CompanyName", who.Company);
        xml.WriteElementString("EmailAddress", who.Email);
        if (who.CorporateEmail is not null)
        {
            xml.WriteElementString("CorporateEmailAddress", who.CorporateEmail);
        }
        xml.WriteEndElement();
    }

    private static void WriteTime(XmlWriter xml, string textName, string epochName, DateTimeOffset at)
    {
        xml.WriteElementString(textName, at.ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture));
        xml.WriteElementString(epochName, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>100–300 characters of desk chat.</summary>
    private static string Chat(Random random, StringBuilder text)
    {
        text.Clear();
        var length = random.Next(100, 300);
        while (text.Length < length)
        {
            // Squaring the uniform pick favours the frequent words at the front of the list.
            var word = random.Next(40) == 0
                ? Escaped[random.Next(Escaped.Length)]
                : SyntheticSlack.Words[(int)(Math.Pow(random.NextDouble(), 2) * SyntheticSlack.Words.Length)];
            text.Append(text.Length == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
            text.Append(random.Next(12) == 0 ? ". " : " ");
        }
        return text.ToString().TrimEnd() + (random.Next(4) == 0 ? "?" : "");
    }
}

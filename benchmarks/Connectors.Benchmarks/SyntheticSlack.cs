using System.Buffers;
using System.Text.Json;
using Connectors.Archive;

namespace Connectors.Benchmarks;

/// <summary>A person of the synthetic organisation: a Slack user and the directory account they map to by email.</summary>
internal sealed record Person(string SlackId, string Handle, string RealName, string Email)
{
    public SourceIdentity Identity { get; } = new(SlackId, RealName, Email);
}

/// <summary>
/// Slack-sized messages: a Slack export JSON payload of roughly 400–600 bytes, body text of ordinary
/// chat words (so the stored tsvector and its GIN index have real work), a sender and one to three
/// recipients, all of them in the directory. Deterministic for a seed, so every path gets the same
/// shape of data; the team id makes the bytes, the item keys and the content hashes differ.
/// </summary>
internal static class SyntheticSlack
{
    public const int DirectorySize = 200;

    private static readonly string[] FirstNames =
    [
        "alice", "bob", "carol", "david", "emma", "felix", "grace", "henry", "irene", "james",
        "karen", "liam", "maria", "nikhil", "olivia", "pablo", "quinn", "rachel", "samir", "tanya",
    ];

    private static readonly string[] LastNames =
        ["smith", "okafor", "nguyen", "garcia", "muller", "rossi", "tanaka", "kowalski", "haddad", "johansson"];

    // Everyday desk chat: frequent words first, so a skewed pick gives a natural word distribution.
    internal static readonly string[] Words =
    [
        "the", "to", "and", "a", "of", "for", "on", "is", "in", "we", "can", "you", "i", "it", "this", "that", "with",
        "be", "will", "have", "are", "at", "by", "from", "not", "so", "if", "let", "me", "know", "please", "thanks",
        "today", "tomorrow", "morning", "afternoon", "call", "meeting", "client", "trade", "price", "deal", "desk",
        "update", "report", "numbers", "quarter", "budget", "forecast", "review", "draft", "final", "send", "check",
        "confirm", "approve", "booked", "pending", "settlement", "invoice", "contract", "counterparty", "risk", "limit",
        "exposure", "position", "hedge", "spread", "bond", "equity", "futures", "options", "rates", "curve", "yield",
        "volume", "liquidity", "market", "open", "close", "bid", "offer", "size", "fill", "order", "execution",
        "allocation", "compliance", "policy", "approval", "audit", "records", "retention", "legal", "team", "project",
        "timeline", "deadline", "friday", "monday", "next", "week", "month", "slides", "deck", "notes", "summary",
        "agenda", "minutes", "follow", "up", "quick", "question", "answer", "issue", "fix", "release", "deploy",
        "ticket", "customer", "onboarding", "account", "statement", "balance", "payment", "transfer", "wire",
        "reconcile", "break", "mismatch", "resolved", "escalate", "urgent", "priority", "later", "soon", "done",
        "working", "looking", "into", "shared", "folder", "link", "document", "spreadsheet", "model", "assumptions",
        "scenario", "stress", "test", "results", "looks", "good", "great", "agree", "disagree", "concern", "risky",
        "sounds", "fine", "perfect", "ok", "sure", "maybe", "probably", "definitely", "office", "remote", "travel",
        "london", "newyork", "singapore", "frankfurt", "tokyo", "lunch", "coffee", "dinner", "team", "offsite",
        "hiring", "interview", "candidate", "feedback", "training", "vendor", "pricing", "proposal", "terms",
        "signature", "renewal", "discount", "margin", "revenue", "cost", "savings", "estimate", "variance", "board",
        "committee", "regulator", "filing", "disclosure", "submission", "eurusd", "gbpusd", "usdjpy", "brent", "gold",
        "treasuries", "bund", "gilts", "basis", "points", "bps", "million", "billion", "q3", "q4", "fy26", "eod", "eta",
    ];

    private static readonly DateTimeOffset Start = new(2026, 10, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The organisation: <see cref="DirectorySize"/> people, every one with a directory account.</summary>
    public static IReadOnlyList<Person> People { get; } = Enumerable.Range(0, DirectorySize).Select(i =>
    {
        var (first, last) = (FirstNames[i % FirstNames.Length], LastNames[i / FirstNames.Length % LastNames.Length]);
        var realName = $"{char.ToUpperInvariant(first[0])}{first[1..]} {char.ToUpperInvariant(last[0])}{last[1..]}";
        return new Person($"U{(uint)(i * 2654435761u) % 0x7FFFFFFF:X8}", $"{first}.{last}", realName, $"{first}.{last}@contoso.example");
    }).ToList();

    /// <summary>
    /// <paramref name="count"/> messages of workspace <paramref name="team"/> (use team ids of equal length so
    /// every path stores the same number of bytes).
    /// </summary>
    public static IReadOnlyList<SourceItem> Generate(int count, string team, int seed)
    {
        var random = new Random(seed);
        var channels = Enumerable.Range(1, 40).Select(c => $"C0{c:D3}BENCH").ToArray();
        var lastInChannel = new Dictionary<string, string>();
        var items = new List<SourceItem>(count);
        var buffer = new ArrayBufferWriter<byte>(1024);
        var text = new System.Text.StringBuilder(400);
        for (var i = 0; i < count; i++)
        {
            // Unique and increasing Slack timestamps ("seconds.micros"), about two seconds apart.
            var micros = Start.ToUnixTimeMilliseconds() * 1000 + i * 1_700_000L + random.Next(0, 999_999);
            var ts = $"{micros / 1_000_000}.{micros % 1_000_000:D6}";
            var channel = channels[random.Next(channels.Length)];
            var threadTs = random.NextDouble() < 0.2 ? lastInChannel.GetValueOrDefault(channel) : null;
            lastInChannel[channel] = ts;

            var sender = People[random.Next(People.Count)];
            var recipients = new List<Person>(3);
            var wanted = random.Next(1, 4);
            while (recipients.Count < wanted)
            {
                var candidate = People[random.Next(People.Count)];
                if (candidate != sender && !recipients.Contains(candidate))
                {
                    recipients.Add(candidate);
                }
            }

            text.Clear();
            var targetLength = random.Next(122, 270);
            while (text.Length < targetLength)
            {
                // Squaring the uniform pick favours the frequent words at the front of the list.
                var word = Words[(int)(Math.Pow(random.NextDouble(), 2) * Words.Length)];
                text.Append(text.Length == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
                text.Append(random.Next(12) == 0 ? ". " : " ");
            }
            var body = text.ToString().TrimEnd() + ".";

            buffer.ResetWrittenCount();
            WriteExportJson(buffer, random, team, channel, ts, threadTs, sender, body);
            items.Add(new SourceItem
            {
                SourceAccount = team,
                SourceId = ts,
                ConversationId = channel,
                ThreadId = threadTs,
                Sender = sender.Identity,
                Recipients = recipients.Select(r => r.Identity).ToList(),
                SentAt = DateTimeOffset.UnixEpoch.AddTicks(micros * 10),
                SentAtText = ts,
                BodyText = body,
                Raw = buffer.WrittenSpan.ToArray(),
            });
        }
        return items;
    }

    /// <summary>One message as a Slack export writes it.</summary>
    private static void WriteExportJson(IBufferWriter<byte> output, Random random, string team, string channel, string ts,
        string? threadTs, Person sender, string body)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        Span<byte> id = stackalloc byte[16];
        random.NextBytes(id);
        json.WriteString("client_msg_id", new Guid(id).ToString());
        json.WriteString("type", "message");
        json.WriteString("text", body);
        json.WriteString("user", sender.SlackId);
        json.WriteString("ts", ts);
        if (threadTs is not null)
        {
            json.WriteString("thread_ts", threadTs);
        }
        json.WriteString("team", team);
        json.WriteString("channel", channel);
        json.WriteStartObject("user_profile");
        json.WriteString("real_name", sender.RealName);
        json.WriteString("display_name", sender.Handle);
        json.WriteString("name", sender.Handle);
        json.WriteBoolean("is_restricted", false);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Sizes of a generated set, printed with the results so the figures say what they measured.</summary>
    public static string Describe(IReadOnlyList<SourceItem> items)
    {
        var raw = items.Select(i => i.Raw.Length).ToList();
        var words = items.Average(i => i.BodyText!.Split(' ').Length);
        var recipients = items.Average(i => i.Recipients.Count);
        return $"raw JSON {raw.Min()}–{raw.Max()} bytes (mean {raw.Average():0}), body {words:0.0} words on average, " +
            $"{recipients:0.00} recipients on average ({1 + recipients:0.00} mailbox copies per item)";
    }
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Connectors.Sources.Zoom;

/// <summary>One message of a meeting's chat file: when (as an offset into the recording), who, to whom, what.</summary>
/// <param name="LineNumber">The 1-based line the message starts on.</param>
/// <param name="OffsetText">The time exactly as the file wrote it (HH:MM:SS).</param>
/// <param name="To">The addressee of a private message; null for a message to everyone.</param>
/// <param name="Raw">The message's lines as the file has them.</param>
internal sealed record MeetingChatMessage(int LineNumber, TimeSpan Offset, string OffsetText, string Sender, string? To, string Text, string Raw);

/// <summary>
/// Reads the CHAT file of a cloud recording: a text transcript of the in-meeting chat. Zoom has written it in
/// a few layouts over time, all read here:
/// <list type="bullet">
/// <item><c>00:01:02\tAlice Example:\tHello</c> (cloud recordings);</item>
/// <item><c>00:01:02 From Alice Example to Everyone: Hello</c>, the text possibly on the next, tab-indented lines
/// (saved chat; <c>to Bob (Direct Message)</c> or <c>(privately)</c> marks a private message);</item>
/// <item><c>00:01:02\t From  Alice Example : Hello</c> (older cloud recordings).</item>
/// </list>
/// A line without a time continues the message before it (multi-line messages). Lines before the first message
/// are reported, not dropped.
/// </summary>
internal static partial class ZoomMeetingChat
{
    public static (List<MeetingChatMessage> Messages, List<(int LineNumber, string Reason)> Problems) Parse(string text)
    {
        var messages = new List<MeetingChatMessage>();
        var problems = new List<(int, string)>();
        Pending? current = null;
        var lines = text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var number = i + 1;
            if (TryStart(line, number) is { } started)
            {
                if (current is not null)
                {
                    messages.Add(current.Build());
                }
                current = started;
                continue;
            }
            if (line.Trim().Length == 0)
            {
                current?.Raw.Append('\n');
                continue;
            }
            if (current is null)
            {
                problems.Add((number, $"Line {number} of the meeting chat file is not a chat message (expected HH:MM:SS, the sender and the text)."));
                continue;
            }
            current.Append(line);
        }
        if (current is not null)
        {
            messages.Add(current.Build());
        }
        return (messages, problems);
    }

    private static Pending? TryStart(string line, int number)
    {
        if (LocalLayout().Match(line) is { Success: true } local)
        {
            var to = local.Groups["to"].Value.Trim();
            var isPrivate = PrivateMark().IsMatch(to);
            to = PrivateMark().Replace(to, "").Trim();
            return new Pending(number, local.Groups["t"].Value, local.Groups["from"].Value.Trim(),
                isPrivate || !to.StartsWith("Everyone", StringComparison.OrdinalIgnoreCase) ? to : null, local.Groups["text"].Value, line);
        }
        if (LegacyLayout().Match(line) is { Success: true } legacy)
        {
            return new Pending(number, legacy.Groups["t"].Value, legacy.Groups["from"].Value.Trim(), null, legacy.Groups["text"].Value, line);
        }
        if (CloudLayout().Match(line) is { Success: true } cloud)
        {
            return new Pending(number, cloud.Groups["t"].Value, cloud.Groups["from"].Value.Trim(), null, cloud.Groups["text"].Value, line);
        }
        return null;
    }

    private sealed class Pending(int lineNumber, string time, string sender, string? to, string text, string raw)
    {
        private readonly StringBuilder _text = new(text);
        public StringBuilder Raw { get; } = new(raw);

        public void Append(string line)
        {
            var continued = line.TrimStart('\t').TrimEnd();
            if (_text.Length > 0)
            {
                _text.Append('\n');
            }
            _text.Append(continued);
            Raw.Append('\n').Append(line);
        }

        public MeetingChatMessage Build()
        {
            var parts = time.Split(':');
            var offset = new TimeSpan(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture),
                int.Parse(parts[2], CultureInfo.InvariantCulture));
            return new MeetingChatMessage(lineNumber, offset, time, sender, to, _text.ToString().Trim(), Raw.ToString().TrimEnd('\n'));
        }
    }

    [GeneratedRegex(@"^(?<t>\d{1,3}:[0-5]\d:[0-5]\d)\s+From\s+(?<from>.+?)\s+to\s+(?<to>.+?)\s*:(?:\s(?<text>.*)|(?<text>))$", RegexOptions.IgnoreCase)]
    private static partial Regex LocalLayout();

    [GeneratedRegex(@"^(?<t>\d{1,3}:[0-5]\d:[0-5]\d)\s+From\s+(?<from>.+?)\s*:(?:\s(?<text>.*)|(?<text>))$", RegexOptions.IgnoreCase)]
    private static partial Regex LegacyLayout();

    [GeneratedRegex(@"^(?<t>\d{1,3}:[0-5]\d:[0-5]\d)\t(?<from>[^\t]+?):\t?(?<text>.*)$")]
    private static partial Regex CloudLayout();

    [GeneratedRegex(@"\((?:Direct Message|privately|Privately)\)", RegexOptions.IgnoreCase)]
    private static partial Regex PrivateMark();
}

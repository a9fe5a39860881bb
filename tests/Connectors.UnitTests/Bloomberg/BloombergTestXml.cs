using System.Globalization;
using System.Security;
using System.Text;
using Connectors.Archive;
using Connectors.Sources.Files;

namespace Connectors.Tests;

/// <summary>Builds Bloomberg XML in the tests and runs parsers over it.</summary>
internal static class BloombergTestXml
{
    public const string Account = "f123456";
    public const string IbFileName = "f123456.ib19.261124.xml";
    public const string MsgFileName = "f123456.msg.261124.xml";

    /// <summary>2026-11-24 14:15:00 UTC.</summary>
    public static readonly long T0 = new DateTimeOffset(2026, 11, 24, 14, 15, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    public static readonly string Alice = User("asmith", "Alice", "Smith", "1001", corporate: "alice.smith@contoso.com", email: "asmith@bloomberg.net");
    public static readonly string Bob = User("bjones", "Bob", "Jones", "1002", corporate: "bob.jones@contoso.com");
    public static readonly string Carol = User("cwhite", "Carol", "White", "1003", corporate: "carol.white@contoso.com");
    /// <summary>An external user: no corporate address, another firm.</summary>
    public static readonly string Eve = User("eext", "Eve", "External", "2001", email: "eve@fabrikam.example", company: "Fabrikam Capital", firm: "777");

    public static FileParseContext Context(string fileName = IbFileName, Guid? evidence = null,
        IReadOnlyDictionary<string, DeliveredAttachment>? attachments = null) =>
        new(Account, fileName, evidence ?? Guid.Parse("11111111-2222-3333-4444-555555555555"), attachments);

    public static string User(string login, string first, string last, string uuid, string? corporate = null, string? email = null,
        string company = "Contoso Bank", string firm = "123", string tag = "User") =>
        $"<{tag}><LoginName>{login}</LoginName><FirstName>{first}</FirstName><LastName>{last}</LastName><UUID>{uuid}</UUID>"
        + $"<FirmNumber>{firm}</FirmNumber><AccountNumber>{firm}00</AccountNumber><CompanyName>{company}</CompanyName>"
        + $"<EmailAddress>{email}</EmailAddress><CorporateEmailAddress>{corporate}</CorporateEmailAddress></{tag}>";

    public static string Time(long epoch) =>
        $"<DateTime>{DateTimeOffset.FromUnixTimeSeconds(epoch).ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture)}</DateTime>"
        + $"<DateTimeUTC>{epoch}</DateTimeUTC>";

    public static string Entered(string user, long at) => $"<ParticipantEntered>{user}{Time(at)}</ParticipantEntered>";

    public static string Left(string user, long at) => $"<ParticipantLeft>{user}{Time(at)}</ParticipantLeft>";

    public static string Message(string user, long at, string content) =>
        $"<Message>{user}{Time(at)}<Content>{SecurityElement.Escape(content)}</Content></Message>";

    public static string Attachment(string user, long at, string name, string fileId, long size) =>
        $"<Attachment>{user}{Time(at)}<FileName>{name}</FileName><FileID>{fileId}</FileID><FileSize>{size}</FileSize></Attachment>";

    public static string Conversation(string roomId, params string[] events) =>
        $"<Conversation><RoomID>{roomId}</RoomID><StartTime>11/24/2026 14:00:00</StartTime><StartTimeUTC>{T0 - 900}</StartTimeUTC>"
        + string.Concat(events)
        + $"<EndTime>11/24/2026 18:00:00</EndTime><EndTimeUTC>{T0 + 13500}</EndTimeUTC></Conversation>";

    public static string FileDump(params string[] children) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FileDump>\n" + string.Join("\n", children) + "\n</FileDump>\n";

    public static List<ParsedEntry> Parse(IVendorFileParser parser, string xml, FileParseContext? context = null) =>
        Parse(parser, Encoding.UTF8.GetBytes(xml), context);

    public static List<ParsedEntry> Parse(IVendorFileParser parser, byte[] bytes, FileParseContext? context = null)
    {
        using var stream = new MemoryStream(bytes);
        return parser.Parse(stream, context ?? Context(), CancellationToken.None).ToList();
    }

    public static List<SourceItem> Items(this IEnumerable<ParsedEntry> entries) =>
        entries.OfType<ParsedItem>().Select(i => i.Item).ToList();

    public static List<ParseFailure> Failures(this IEnumerable<ParsedEntry> entries) => entries.OfType<ParseFailure>().ToList();

    public static string[] Names(this IEnumerable<SourceIdentity> people) => people.Select(p => p.DisplayName ?? p.SourceId).ToArray();

    public static string RawText(this SourceItem item) => Encoding.UTF8.GetString(item.Raw.Span);
}

/// <summary>
/// A read-only stream that produces its content part by part as it is read, so a test can feed a parser
/// a very large document that never exists in memory as a whole.
/// </summary>
internal sealed class BloombergGeneratedStream(IEnumerable<string> parts) : Stream
{
    private readonly IEnumerator<string> _parts = parts.GetEnumerator();
    private byte[] _pending = [];
    private int _offset;

    public long BytesProduced { get; private set; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        while (_offset == _pending.Length)
        {
            if (!_parts.MoveNext())
            {
                return 0;
            }
            _pending = Encoding.UTF8.GetBytes(_parts.Current);
            _offset = 0;
        }
        var n = Math.Min(count, _pending.Length - _offset);
        Array.Copy(_pending, _offset, buffer, offset, n);
        _offset += n;
        BytesProduced += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesProduced; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _parts.Dispose();
        }
        base.Dispose(disposing);
    }
}

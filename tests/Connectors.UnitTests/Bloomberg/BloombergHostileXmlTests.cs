using System.Text;
using Connectors.Sources.Bloomberg;
using Connectors.Sources.Files;
using static Connectors.Tests.BloombergTestXml;

namespace Connectors.Tests;

/// <summary>Malformed and hostile files end in one stopping failure; what was read before stands; nothing throws.</summary>
public sealed class BloombergHostileXmlTests
{
    private readonly InstantBloombergParser _parser = new();

    private static string ThreeMessages => FileDump(Conversation("ROOM-1",
        Message(Alice, T0, "first message"), Message(Bob, T0 + 1, "second message"), Message(Alice, T0 + 2, "third message")));

    private static ParseFailure StoppingFailureLast(List<ParsedEntry> entries)
    {
        var failure = Assert.IsType<ParseFailure>(entries[^1]);
        Assert.True(failure.StopsFile);
        Assert.Single(entries.Failures());
        return failure;
    }

    [Fact]
    public void ATruncatedFileKeepsTheItemsBeforeTheCutAndEndsWithOneStoppingFailure()
    {
        var xml = ThreeMessages;
        var cut = xml[..(xml.IndexOf("third message", StringComparison.Ordinal) - 10)];

        var entries = Parse(_parser, cut);

        Assert.Equal(["first message", "second message"], entries.Items().Select(i => i.BodyText));
        var failure = StoppingFailureLast(entries);
        Assert.NotNull(failure.Line);
        Assert.Contains("line", failure.Reason);
        Assert.Contains("position", failure.Reason);
    }

    [Fact]
    public void AFileCutAnywhereNeverThrowsAndEndsWithAtMostOneFailure()
    {
        var bytes = Encoding.UTF8.GetBytes(ThreeMessages);
        for (var length = 0; length < bytes.Length; length += 7)
        {
            var entries = Parse(_parser, bytes[..length]);

            Assert.True(entries.Failures().Count <= 1);
            Assert.True(entries.Count > 0 && entries[^1] is ParseFailure { StopsFile: true }, $"cut at {length}");
        }
    }

    [Fact]
    public void AnExternalEntityIsRefusedAndNothingLeaks()
    {
        var xml = """
            <?xml version="1.0"?>
            <!DOCTYPE FileDump [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <FileDump><Conversation><RoomID>R</RoomID>
            <Message><User><LoginName>x</LoginName></User><DateTimeUTC>1795616100</DateTimeUTC><Content>&xxe;</Content></Message>
            </Conversation></FileDump>
            """;

        var entries = Parse(_parser, xml);

        var failure = Assert.IsType<ParseFailure>(Assert.Single(entries));
        Assert.True(failure.StopsFile);
        Assert.DoesNotContain("root:", failure.Reason);
        Assert.Contains("DTD", failure.Reason);
    }

    [Fact]
    public void EntityExpansionIsRefusedBeforeItStarts()
    {
        var entities = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            entities.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        }
        var xml = $"<?xml version=\"1.0\"?><!DOCTYPE FileDump [{entities}]>"
            + $"<FileDump><Conversation><RoomID>R</RoomID><Message>{Alice}{Time(T0)}<Content>&lol9;</Content></Message></Conversation></FileDump>";

        var entries = Parse(_parser, xml);

        var failure = Assert.IsType<ParseFailure>(Assert.Single(entries));
        Assert.True(failure.StopsFile);
        Assert.DoesNotContain("lollol", failure.Reason);
    }

    [Fact]
    public void ExcessiveNestingStopsTheFileAndKeepsEarlierItems()
    {
        var deep = string.Concat(Enumerable.Repeat("<a>", 200)) + string.Concat(Enumerable.Repeat("</a>", 200));
        var xml = FileDump(Conversation("ROOM-1", Message(Alice, T0, "before"), $"<Message>{Alice}{Time(T0 + 1)}<Content>{deep}</Content></Message>",
            Message(Alice, T0 + 2, "after")));

        var entries = Parse(_parser, xml);

        Assert.Equal(["before"], entries.Items().Select(i => i.BodyText));
        Assert.Contains("deeper", StoppingFailureLast(entries).Reason);
    }

    [Fact]
    public void InvalidUtf8StopsTheFile()
    {
        var bytes = Encoding.UTF8.GetBytes(ThreeMessages);
        var at = Array.IndexOf(bytes, (byte)'s', Encoding.UTF8.GetString(bytes).IndexOf("second", StringComparison.Ordinal));
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;

        var entries = Parse(_parser, bytes);

        Assert.Equal(["first message"], entries.Items().Select(i => i.BodyText));
        StoppingFailureLast(entries);
    }

    [Fact]
    public void ContentAfterTheRootIsReportedAfterTheItems()
    {
        var entries = Parse(_parser, ThreeMessages + "<FileDump/>");

        Assert.Equal(3, entries.Items().Count);
        StoppingFailureLast(entries);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not xml at all")]
    [InlineData("<FileDump><Conversation>")]
    public void AnEmptyOrNonXmlFileIsOneStoppingFailure(string content)
    {
        var failure = Assert.IsType<ParseFailure>(Assert.Single(Parse(_parser, content)));

        Assert.True(failure.StopsFile);
    }

    [Fact]
    public void AnOversizedEventIsAFailureForThatEventAndTheNextIsRead()
    {
        var parser = new InstantBloombergParser(maxElementBytes: 64 * 1024);
        var bulky = string.Concat(Enumerable.Repeat("<Part>0123456789012345678901234567890123456789</Part>", 5000));
        var xml = FileDump(Conversation("ROOM-1", Message(Alice, T0, "before"), $"<Message>{Alice}{Time(T0 + 1)}<Content>x</Content>{bulky}</Message>",
            Message(Alice, T0 + 2, "after")));

        var entries = Parse(parser, xml);

        Assert.Equal(["before", "after"], entries.Items().Select(i => i.BodyText));
        var failure = Assert.Single(entries.Failures());
        Assert.False(failure.StopsFile);
        Assert.Contains("<Message>", failure.Reason);
        Assert.Contains("ROOM-1", failure.Reason);
    }

    [Fact]
    public void AHugeSingleTextIsNeverHeldInMemory()
    {
        var parser = new InstantBloombergParser(maxElementBytes: 64 * 1024);
        var parts = new[] { $"<FileDump><Conversation><RoomID>R</RoomID>{Message(Alice, T0, "before")}<Message>{Alice}{Time(T0 + 1)}<Content>" }
            .Concat(Enumerable.Repeat(new string('x', 64 * 1024), 16 * 64))
            .Concat([$"</Content></Message>{Message(Alice, T0 + 2, "after")}</Conversation></FileDump>"]);
        using var stream = new BloombergGeneratedStream(parts);

        var entries = parser.Parse(stream, Context(), CancellationToken.None).ToList();

        // 64 MB of text in one node: the parser gives up on the file instead of buffering it.
        Assert.Equal("before", entries.Items().First().BodyText);
        Assert.True(stream.BytesProduced < 8 * 1024 * 1024);
        StoppingFailureLast(entries);
    }

    [Fact]
    public void AHugeTextInAnElementNobodyReadsIsStreamedPast()
    {
        var parser = new InstantBloombergParser(maxElementBytes: 64 * 1024);
        var parts = new[] { $"<FileDump><Conversation><RoomID>R</RoomID>{Message(Alice, T0, "before")}<Ignored>" }
            .Concat(Enumerable.Repeat(new string('x', 64 * 1024), 16 * 32))
            .Concat([$"</Ignored>{Message(Alice, T0 + 2, "after")}</Conversation></FileDump>"]);
        using var stream = new BloombergGeneratedStream(parts);

        var entries = parser.Parse(stream, Context(), CancellationToken.None).ToList();

        Assert.Empty(entries.Failures());
        Assert.Equal(["before", "after"], entries.Items().Select(i => i.BodyText));
    }

    [Fact]
    public void TheMessageParserStopsOnHostileInputToo()
    {
        var parser = new BloombergMessageParser();
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE FileDump [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><FileDump><Message><MsgID>&x;</MsgID></Message></FileDump>";

        var failure = Assert.IsType<ParseFailure>(Assert.Single(Parse(parser, xml, Context(MsgFileName))));

        Assert.True(failure.StopsFile);
    }
}

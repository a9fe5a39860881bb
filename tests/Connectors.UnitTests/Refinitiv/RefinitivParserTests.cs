using System.Text;
using Connectors.Sources.Files;
using Connectors.Sources.Refinitiv;

namespace Connectors.Tests;

public sealed class RefinitivParserTests
{
    private static readonly Guid EvidenceId = Guid.NewGuid();
    private static readonly FileParseContext Context = new("lseg-firm-12", "20261124_messages.xml", EvidenceId);

    private static List<ParsedEntry> ParseMessages(string xml, FileParseContext? context = null) =>
        new RefinitivMessagesParser()
            .Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)), context ?? Context, CancellationToken.None)
            .ToList();

    private static List<ParsedEntry> ParseSummary(string xml) =>
        new RefinitivSummaryParser()
            .Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)), Context with { FileName = "20261124_summary.xml" }, CancellationToken.None)
            .ToList();

    private static string Message(string id, string time = "2026-11-24T09:15:02Z") =>
        $"<Message><MessageId>{id}</MessageId><Sender><Uuid>GE-1</Uuid><Email>jo@contoso.com</Email></Sender><Timestamp>{time}</Timestamp><Text>hi</Text></Message>";

    private const string Bilateral = """
        <Message>
          <MessageId>msg-77</MessageId>
          <ConversationId>room-7</ConversationId>
          <ConversationName>FX Desk</ConversationName>
          <Sender><Uuid>GE-A1</Uuid><Name>Jo Trader</Name><Email>jo@contoso.com</Email></Sender>
          <Recipients>
            <Recipient><Uuid>GE-B2</Uuid><Name>Bo Broker</Name><Email>bo@broker.example</Email></Recipient>
            <Recipient><Uuid>GE-A1</Uuid><Email>jo@contoso.com</Email></Recipient>
          </Recipients>
          <Timestamp>2026-11-24T09:15:02.500Z</Timestamp>
          <Text>Firm at 1.0842</Text>
        </Message>
        """;

    [Fact]
    public void AMessageBecomesAnItemWithItsConversationSenderAndRecipients()
    {
        var item = Assert.IsType<ParsedItem>(Assert.Single(ParseMessages($"<Messages date=\"2026-11-24\">{Bilateral}</Messages>"))).Item;

        Assert.Equal("lseg-firm-12", item.SourceAccount);
        Assert.Equal("msg-77", item.SourceId);
        Assert.Equal("room-7", item.ConversationId);
        Assert.Equal("Refinitiv Messenger: FX Desk", item.Subject);
        Assert.Equal(("GE-A1", "Jo Trader", "jo@contoso.com"), (item.Sender.SourceId, item.Sender.DisplayName, item.Sender.Email));
        Assert.Equal("GE-A1", item.Sender.Property("Uuid"));
        var recipient = Assert.Single(item.Recipients);
        Assert.Equal(("GE-B2", "bo@broker.example"), (recipient.SourceId, recipient.Property("email")));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 9, 15, 2, 500, TimeSpan.Zero), item.SentAt);
        Assert.Equal("Firm at 1.0842", item.BodyText);
        Assert.Equal(EvidenceId, item.EvidenceFileId);
    }

    [Fact]
    public void TheSummaryYieldsOnlyTheDaysMessageControlTotal()
    {
        var entries = ParseSummary("""
            <Summary>
              <Date>2026-11-24</Date>
              <MessageCount>1234</MessageCount>
              <EventCount>17</EventCount>
              <AttachmentCount>3</AttachmentCount>
            </Summary>
            """);

        Assert.Equal(new ControlTotal("messages", 1234), Assert.Single(entries));
        Assert.Equal(new ControlTotal("messages", 5), Assert.Single(ParseSummary("<Summary date=\"2026-11-24\" messageCount=\"5\"/>")));
    }

    [Theory]
    [InlineData("<Summary><Date>2026-11-24</Date></Summary>", "no <MessageCount>")]
    [InlineData("<Summary><MessageCount>many</MessageCount></Summary>", "'many'")]
    [InlineData("<Report><MessageCount>3</MessageCount></Report>", "<Report>")]
    [InlineData("<Summary><MessageCount>3</Message", "line")]
    public void ASummaryWithoutAReadableCountStopsWithAFailure(string xml, string reason)
    {
        var failure = Assert.IsType<ParseFailure>(Assert.Single(ParseSummary(xml)));

        Assert.True(failure.StopsFile);
        Assert.Contains(reason, failure.Reason);
    }

    [Fact]
    public void AMessageAHistoryRequestDeliversAgainHasTheSameIdAndRawBytes()
    {
        var daily = ParseMessages($"<Messages date=\"2026-11-24\" generated=\"2026-11-25T01:00:00Z\">{Bilateral}</Messages>");
        var history = ParseMessages($"""
            <?xml version="1.0" encoding="utf-8"?>
            <Messages date="2026-11-30" generated="2026-12-01T01:00:00Z">
                <HistoryRequest requestId="hr-555" requestedBy="compliance@contoso.com" requestedAt="2026-11-30T16:00:00Z">
                    {Bilateral}
                </HistoryRequest>
            </Messages>
            """, Context with { FileName = "20261130_messages.xml", EvidenceFileId = Guid.NewGuid() });

        var first = Assert.IsType<ParsedItem>(Assert.Single(daily)).Item;
        var again = Assert.IsType<ParsedItem>(Assert.Single(history)).Item;
        Assert.Equal(first.SourceId, again.SourceId);
        Assert.True(first.Raw.Span.SequenceEqual(again.Raw.Span));
        Assert.DoesNotContain("hr-555", Encoding.UTF8.GetString(again.Raw.Span));
    }

    [Fact]
    public void EveryMessageIsOneEntryWithAnItemIdAndEventsAreNotItems()
    {
        var entries = ParseMessages(string.Join('\n',
            "<Messages>",
            "<Event type=\"Join\"><Uuid>GE-9</Uuid><Timestamp>2026-11-24T08:00:00Z</Timestamp></Event>",
            Message("m-1"),
            "<Message><Sender><Uuid>GE-1</Uuid></Sender><Timestamp>2026-11-24T09:00:00Z</Timestamp></Message>",
            Message("m-3", time: "not a time"),
            Message("m-4"),
            "<Event type=\"Leave\"><Uuid>GE-9</Uuid></Event>",
            "</Messages>"));
        var total = Assert.IsType<ControlTotal>(Assert.Single(ParseSummary("<Summary><MessageCount>4</MessageCount></Summary>")));

        Assert.Equal(total.Expected, entries.Count(e => e is ParsedItem || e is ParseFailure { ItemId: not null }));
        Assert.Equal(["m-1", "m-4"], entries.OfType<ParsedItem>().Select(e => e.Item.SourceId));
        var missingId = Assert.IsType<ParseFailure>(entries[1]);
        Assert.Equal(4, missingId.Line);
        Assert.Equal("20261124_messages.xml#2", missingId.ItemId);
        Assert.False(missingId.StopsFile);
        Assert.Equal("m-3", Assert.IsType<ParseFailure>(entries[2]).ItemId);
    }

    [Fact]
    public void ConversationIdsOnAGroupingElementApplyToItsMessages()
    {
        var entries = ParseMessages($"""
            <Messages>
              <Conversation ConversationId="room-1" ConversationName="Rates">{Message("a")}</Conversation>
              <Conversation><ConversationId>room-2</ConversationId>{Message("b")}</Conversation>
            </Messages>
            """);

        Assert.Equal(["room-1", "room-2"], entries.Cast<ParsedItem>().Select(e => e.Item.ConversationId));
        Assert.Equal("Refinitiv Messenger: Rates", ((ParsedItem)entries[0]).Item.Subject);
    }

    [Fact]
    public void AnAttachmentNotDeliveredMakesTheItemPartial()
    {
        var delivered = new Dictionary<string, DeliveredAttachment> { ["att-1"] = new("att-1", "chart.png", 512, "cafe") };
        var entries = ParseMessages("""
            <Messages><Message id="m-1">
              <Sender uuid="GE-1"/><Timestamp>1795598102000</Timestamp>
              <Attachments><Attachment FileId="att-1" FileName="chart.png" Size="512"/><Attachment FileId="att-2" FileName="deal.xlsx"/></Attachments>
            </Message></Messages>
            """, Context with { Attachments = delivered });

        var item = Assert.IsType<ParsedItem>(Assert.Single(entries)).Item;
        Assert.Equal(["cafe", ""], item.Attachments.Select(a => a.Sha256));
        Assert.Contains("deal.xlsx (file id att-2) was not delivered", item.PartialReason);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795598102000), item.SentAt);
    }

    [Theory]
    [InlineData("20261124_messages.xml", true, false)]
    [InlineData("MESSAGES.XML", true, false)]
    [InlineData("/lseg/2026-11-24/summary.xml", false, true)]
    [InlineData("20261124_Summary.xml", false, true)]
    [InlineData("20261124_events.xml", false, false)]
    public void EachParserAcceptsItsOwnFiles(string name, bool messages, bool summary)
    {
        Assert.Equal(messages, new RefinitivMessagesParser().Accepts(name));
        Assert.Equal(summary, new RefinitivSummaryParser().Accepts(name));
    }

    [Fact]
    public void ATruncatedFileKeepsTheMessagesBeforeAndEndsWithOneStoppingFailure()
    {
        var xml = $"<Messages>\n{Message("m-1")}\n{Message("m-2")}\n{Message("m-3")}\n</Messages>";

        var entries = ParseMessages(xml[..^30]);

        Assert.Equal(["m-1", "m-2"], entries.OfType<ParsedItem>().Select(e => e.Item.SourceId));
        Assert.Equal(3, entries.Count);
        var failure = Assert.IsType<ParseFailure>(entries[^1]);
        Assert.True(failure.StopsFile);
        Assert.Equal(4, failure.Line);
    }

    [Fact]
    public void AFileWithAnotherRootStopsWithOneFailure()
    {
        var failure = Assert.IsType<ParseFailure>(Assert.Single(ParseMessages($"<Summary>{Message("m-1")}</Summary>")));

        Assert.True(failure.StopsFile);
        Assert.Contains("<Messages>", failure.Reason);
    }

    [Fact]
    public void ExternalEntitiesAndEntityExpansionAreRefusedWithoutLeakingTheirContent()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "TOP-SECRET-XXE-CONTENT");
        try
        {
            var xxe = ParseMessages($"""
                <!DOCTYPE Messages [<!ENTITY leak SYSTEM "file://{secret}">]>
                <Messages>{Message("m-1").Replace("hi", "&leak;", StringComparison.Ordinal)}</Messages>
                """);
            var laughs = ParseSummary("""
                <!DOCTYPE Summary [<!ENTITY a "1234567890"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
                <Summary><MessageCount>&c;</MessageCount></Summary>
                """);

            foreach (var failure in new[] { Assert.Single(xxe), Assert.Single(laughs) }.Cast<ParseFailure>())
            {
                Assert.True(failure.StopsFile);
                Assert.Contains("DTD", failure.Reason);
                Assert.DoesNotContain("TOP-SECRET", failure.Reason);
                Assert.DoesNotContain("1234567890", failure.Reason);
            }
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void AFiftyThousandMessageDayReconcilesWithItsSummary()
    {
        const int count = 50_000;
        var path = Path.GetTempFileName();
        try
        {
            using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false)))
            {
                writer.WriteLine("<Messages date=\"2026-11-24\">");
                for (var i = 1; i <= count; i++)
                {
                    writer.WriteLine(Message($"m-{i}", time: $"2026-11-24T{i % 24:00}:{i % 60:00}:00Z"));
                }
                writer.WriteLine("</Messages>");
            }

            long items;
            using (var file = File.OpenRead(path))
            {
                items = new RefinitivMessagesParser().Parse(file, Context, CancellationToken.None).Count(e => e is ParsedItem);
            }
            var total = Assert.IsType<ControlTotal>(Assert.Single(ParseSummary($"<Summary><MessageCount>{count}</MessageCount></Summary>")));

            Assert.Equal(total.Expected, items);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

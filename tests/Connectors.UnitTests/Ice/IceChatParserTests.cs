using System.Text;
using System.Text.Json;
using Connectors.Sources.Files;
using Connectors.Sources.Ice;

namespace Connectors.Tests;

public sealed class IceChatParserTests
{
    private static readonly Guid EvidenceId = Guid.NewGuid();
    private static readonly FileParseContext Context = new("ice-company-7", "acme_ice_20261124.xml", EvidenceId);

    private static List<ParsedEntry> Parse(string xml, IceChatSchema? schema = null, FileParseContext? context = null) =>
        new IceChatParser(schema ?? IceChatSchema.Default)
            .Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)), context ?? Context, CancellationToken.None)
            .ToList();

    private static string Message(string id, string time = "2026-11-24T09:15:02Z", string text = "hello") =>
        $"<Message><MessageID>{id}</MessageID><SenderImId>jtrader1</SenderImId><Timestamp>{time}</Timestamp><Text>{text}</Text></Message>";

    [Fact]
    public void TheDefaultSchemaReadsSenderAndRecipientsWithTheirImIdsAndEmails()
    {
        var entries = Parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <FileDump>
              <Message>
                <MessageID>m-1001</MessageID>
                <ConversationID>ICE-ROOM-42</ConversationID>
                <SenderImId>jtrader1</SenderImId>
                <SenderName>Jo Trader</SenderName>
                <SenderEmail>jo.trader@contoso.com</SenderEmail>
                <Recipients>
                  <Recipient><RecipientImId>bbroker2</RecipientImId><RecipientName>Bo Broker</RecipientName><RecipientEmail>bo@broker.example</RecipientEmail></Recipient>
                  <Recipient><RecipientImId>jtrader1</RecipientImId><RecipientEmail>jo.trader@contoso.com</RecipientEmail></Recipient>
                  <Recipient><RecipientImId>ssales3</RecipientImId><RecipientEmail>sam@contoso.com</RecipientEmail></Recipient>
                </Recipients>
                <Timestamp>2026-11-24T09:15:02.123Z</Timestamp>
                <Text>Can you show 5y EUR?</Text>
              </Message>
            </FileDump>
            """);

        var item = Assert.IsType<ParsedItem>(Assert.Single(entries)).Item;
        Assert.Equal("ice-company-7", item.SourceAccount);
        Assert.Equal("m-1001", item.SourceId);
        Assert.Equal("ICE-ROOM-42", item.ConversationId);
        Assert.Equal("jtrader1", item.Sender.SourceId);
        Assert.Equal("Jo Trader", item.Sender.DisplayName);
        Assert.Equal("jo.trader@contoso.com", item.Sender.Email);
        Assert.Equal("jtrader1", item.Sender.Property("ImId"));
        Assert.Equal("jo.trader@contoso.com", item.Sender.Property("SenderEmail"));
        // The sender listed among the room's members is not a recipient of their own message.
        Assert.Equal(["bbroker2", "ssales3"], item.Recipients.Select(r => r.SourceId));
        Assert.Equal("bo@broker.example", item.Recipients[0].Email);
        Assert.Equal("bo@broker.example", item.Recipients[0].Property("RecipientEmail"));
        Assert.Equal("bbroker2", item.Recipients[0].Property("ImId"));
        Assert.Equal("Bo Broker", item.Recipients[0].DisplayName);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 9, 15, 2, 123, TimeSpan.Zero), item.SentAt);
        Assert.Equal("2026-11-24T09:15:02.123Z", item.SentAtText);
        Assert.Equal("ICE Chat: ICE-ROOM-42", item.Subject);
        Assert.Equal("Can you show 5y EUR?", item.BodyText);
        Assert.Equal(EvidenceId, item.EvidenceFileId);
        Assert.Null(item.PartialReason);
        var raw = Encoding.UTF8.GetString(item.Raw.Span);
        Assert.StartsWith("<Message><MessageID>m-1001</MessageID>", raw);
        Assert.EndsWith("</Message>", raw);
        Assert.DoesNotContain("FileDump", raw);
    }

    [Fact]
    public void AMessageWithoutItsOwnConversationIdTakesTheEnclosingConversations()
    {
        var entries = Parse($"""
            <FileDump>
              <Conversation RoomName="Rates"><ConversationID>ROOM-1</ConversationID>{Message("a")}</Conversation>
              <Conversation ConversationID="ROOM-2">{Message("b")}</Conversation>
              {Message("c")}
            </FileDump>
            """);

        Assert.Equal(["ROOM-1", "ROOM-2", null], entries.Cast<ParsedItem>().Select(e => e.Item.ConversationId));
        Assert.Equal("ICE Chat", ((ParsedItem)entries[2]).Item.Subject);
    }

    [Fact]
    public void CustomElementNamesAndAnEpochTimeAreRead()
    {
        var schema = IceChatSchema.Default with
        {
            RootElement = "IceChatLog",
            MessageElement = "Msg",
            MessageIdElement = "id",
            ConversationIdElement = "room",
            SenderImIdElement = "from",
            SenderEmailElement = "fromMail",
            RecipientsElement = "to",
            RecipientElement = "user",
            RecipientImIdElement = "im",
            RecipientEmailElement = "mail",
            TimestampElement = "ts",
            TimestampFormat = "epochMilliseconds",
            BodyElement = "Body",
        };

        var entries = Parse("""
            <IceChatLog>
              <Msg id="x-9" room="R7">
                <from>ann1</from><fromMail>ann@contoso.com</fromMail>
                <to><user im="bob2" mail="bob@contoso.com"/></to>
                <ts>1795598102000</ts>
                <Body>Done at 101.5</Body>
              </Msg>
            </IceChatLog>
            """, schema);

        var item = Assert.IsType<ParsedItem>(Assert.Single(entries)).Item;
        Assert.Equal("x-9", item.SourceId);
        Assert.Equal("R7", item.ConversationId);
        Assert.Equal("ann@contoso.com", item.Sender.Property("SenderEmail"));
        Assert.Equal("bob@contoso.com", Assert.Single(item.Recipients).Property("RecipientEmail"));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795598102000), item.SentAt);
        Assert.Equal("Done at 101.5", item.BodyText);
    }

    [Fact]
    public void ASchemaStoredAsJsonReadsBackWithItsDefaultsForTheNamesLeftOut()
    {
        var schema = JsonSerializer.Deserialize<IceChatSchema>(
            """{"rootElement":"*","messageElement":"Chat","timestampFormat":"MM/dd/yyyy HH:mm:ss"}""", JsonSerializerOptions.Web)!;

        var item = Assert.IsType<ParsedItem>(Assert.Single(Parse(
            "<Anything><Chat><MessageID>7</MessageID><SenderEmail>a@contoso.com</SenderEmail><Timestamp>11/24/2026 17:05:00</Timestamp></Chat></Anything>",
            schema))).Item;

        Assert.Equal("7", item.SourceId);
        Assert.Equal("a@contoso.com", item.Sender.SourceId);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 17, 5, 0, TimeSpan.Zero), item.SentAt);
        Assert.Contains("\"messageElement\":\"Chat\"", JsonSerializer.Serialize(schema, JsonSerializerOptions.Web));
    }

    [Fact]
    public void SchemaValidationNamesEachEmptyField()
    {
        var schema = IceChatSchema.Default with { MessageElement = "", RecipientEmailElement = "  ", FileNamePatterns = [], TimestampFormat = "" };

        var errors = schema.Validate();

        Assert.Equal(
            ["iceSchema.fileNamePatterns", "iceSchema.messageElement", "iceSchema.recipientEmailElement", "iceSchema.timestampFormat"],
            errors.Keys.Order());
        Assert.Empty(IceChatSchema.Default.Validate());
        Assert.Contains("iceSchema.messageElement", Assert.Throws<ArgumentException>(() => new IceChatParser(schema)).Message);
    }

    [Theory]
    [InlineData("ICE_20261124.xml", true)]
    [InlineData("/in/acme.IceChat.261124.XML", true)]
    [InlineData("f123456.ib19.261124.xml", false)]
    [InlineData("ice_20261124.xml.gpg", false)]
    public void OnlyXmlFilesNamedForIceAreAcceptedByDefault(string name, bool accepted) =>
        Assert.Equal(accepted, new IceChatParser(IceChatSchema.Default).Accepts(name));

    [Fact]
    public void AttachmentsDeliveredBesideTheFileCarryTheirHashAndAMissingOneMakesTheItemPartial()
    {
        var delivered = new Dictionary<string, DeliveredAttachment> { ["f-1"] = new("f-1", "quote.pdf", 2048, "ab12") };
        var entries = Parse("""
            <FileDump><Message>
              <MessageID>m-1</MessageID><SenderImId>a</SenderImId><Timestamp>2026-11-24T10:00:00Z</Timestamp>
              <Attachment><FileID>f-1</FileID><FileName>quote.pdf</FileName><FileSize>2048</FileSize></Attachment>
              <Attachment><FileID>f-2</FileID><FileName>terms.docx</FileName><FileSize>99</FileSize></Attachment>
            </Message></FileDump>
            """, context: Context with { Attachments = delivered });

        var item = Assert.IsType<ParsedItem>(Assert.Single(entries)).Item;
        Assert.Equal(2, item.Attachments.Count);
        Assert.Equal(("quote.pdf", 2048L, "ab12"), (item.Attachments[0].Name, item.Attachments[0].Size, item.Attachments[0].Sha256));
        Assert.Equal(("terms.docx", 99L, ""), (item.Attachments[1].Name, item.Attachments[1].Size, item.Attachments[1].Sha256));
        Assert.Contains("terms.docx", item.PartialReason);
        Assert.Contains("was not delivered", item.PartialReason);
        Assert.DoesNotContain("quote.pdf", item.PartialReason);
    }

    [Fact]
    public void AMessageWithoutAnIdFailsWithItsLineAndTheNextMessageIsRead()
    {
        var entries = Parse(string.Join('\n',
            "<FileDump>",
            Message("m-1"),
            "<Message><SenderImId>a</SenderImId><Timestamp>2026-11-24T10:00:00Z</Timestamp></Message>",
            Message("m-3"),
            "</FileDump>"));

        Assert.Equal(3, entries.Count);
        var failure = Assert.IsType<ParseFailure>(entries[1]);
        Assert.Equal(3, failure.Line);
        Assert.False(failure.StopsFile);
        Assert.Equal("acme_ice_20261124.xml#2", failure.ItemId);
        Assert.Contains("MessageID", failure.Reason);
        Assert.Equal("m-3", Assert.IsType<ParsedItem>(entries[2]).Item.SourceId);
    }

    [Fact]
    public void AMessageWithAnUnreadableTimeFailsUnderItsIdAndReadingGoesOn()
    {
        var entries = Parse($"<FileDump>{Message("m-1", time: "yesterday")}{Message("m-2")}</FileDump>");

        var failure = Assert.IsType<ParseFailure>(entries[0]);
        Assert.Equal("m-1", failure.ItemId);
        Assert.Contains("'yesterday'", failure.Reason);
        Assert.False(failure.StopsFile);
        Assert.IsType<ParsedItem>(entries[1]);
    }

    [Fact]
    public void ATruncatedFileKeepsTheMessagesBeforeAndEndsWithOneStoppingFailure()
    {
        var xml = $"<FileDump>\n{Message("m-1")}\n{Message("m-2")}\n{Message("m-3")}</FileDump>";
        var truncated = xml[..(xml.IndexOf("m-3", StringComparison.Ordinal) + 10)];

        var entries = Parse(truncated);

        Assert.Equal(["m-1", "m-2"], entries.OfType<ParsedItem>().Select(e => e.Item.SourceId));
        var failure = Assert.IsType<ParseFailure>(entries[^1]);
        Assert.True(failure.StopsFile);
        Assert.Equal(3, entries.Count);
        Assert.Contains("line", failure.Reason);
    }

    [Fact]
    public void AFileWithAnotherRootStopsWithAFailureNamingTheSetting()
    {
        var failure = Assert.IsType<ParseFailure>(Assert.Single(Parse($"<Conversations>{Message("m-1")}</Conversations>")));

        Assert.True(failure.StopsFile);
        Assert.Contains("<Conversations>", failure.Reason);
        Assert.Contains("iceSchema.rootElement", failure.Reason);
    }

    [Fact]
    public void AnExternalEntityIsRefusedWithoutReadingIt()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "TOP-SECRET-XXE-CONTENT");
        try
        {
            var entries = Parse($"""
                <?xml version="1.0"?>
                <!DOCTYPE FileDump [<!ENTITY leak SYSTEM "file://{secret}">]>
                <FileDump>{Message("m-1", text: "&leak;")}</FileDump>
                """);

            var failure = Assert.IsType<ParseFailure>(Assert.Single(entries));
            Assert.True(failure.StopsFile);
            Assert.Contains("DTD", failure.Reason);
            Assert.DoesNotContain("TOP-SECRET", failure.Reason);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void ABillionLaughsDocumentIsRefusedWithoutExpandingIt()
    {
        var entries = Parse("""
            <?xml version="1.0"?>
            <!DOCTYPE FileDump [
              <!ENTITY lol "lollollollollollollollollollol">
              <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
            ]>
            <FileDump><Message><MessageID>m</MessageID><Text>&lol3;</Text></Message></FileDump>
            """);

        var failure = Assert.IsType<ParseFailure>(Assert.Single(entries));
        Assert.True(failure.StopsFile);
        Assert.DoesNotContain("lollol", failure.Reason);
    }

    [Fact]
    public void ElementsNestedDeeperThanAnyLayoutStopTheFile()
    {
        var deep = string.Concat(Enumerable.Repeat("<x>", 100)) + string.Concat(Enumerable.Repeat("</x>", 100));

        var entries = Parse($"<FileDump>{Message("m-1")}{deep}{Message("m-2")}</FileDump>");

        Assert.Equal("m-1", Assert.IsType<ParsedItem>(entries[0]).Item.SourceId);
        Assert.True(Assert.IsType<ParseFailure>(Assert.Single(entries, e => e is ParseFailure)).StopsFile);
        Assert.Equal(2, entries.Count);
    }

    [Fact]
    public void BytesThatAreNotXmlEndTheFileWithOneFailureInsteadOfThrowing()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);

        var entries = new IceChatParser(IceChatSchema.Default).Parse(new MemoryStream(garbage), Context, CancellationToken.None).ToList();

        Assert.True(Assert.IsType<ParseFailure>(Assert.Single(entries)).StopsFile);
    }

    [Fact]
    public void AnOversizedMessageFailsAloneAndTheNextIsRead()
    {
        var hugeText = Enumerable.Repeat(new string('a', 1024 * 1024), 17);
        var parts = new[] { "<FileDump><Message><MessageID>big</MessageID><Text>" }
            .Concat(hugeText)
            .Append("</Text></Message>")
            .Append(Message("m-2"))
            .Append("</FileDump>");

        var entries = new IceChatParser(IceChatSchema.Default).Parse(new GeneratedXmlStream(parts), Context, CancellationToken.None).ToList();

        var failure = Assert.IsType<ParseFailure>(entries[0]);
        Assert.False(failure.StopsFile);
        Assert.Contains("larger than", failure.Reason);
        Assert.Equal("m-2", Assert.IsType<ParsedItem>(entries[1]).Item.SourceId);
    }

    [Fact]
    public void FiftyThousandMessagesStreamFromAFileNeverHeldWhole()
    {
        const int count = 50_000;
        var parts = Enumerable.Range(1, count)
            .Select(i => $"\n<Message><MessageID>m-{i}</MessageID><ConversationID>R{i % 97}</ConversationID><SenderImId>u{i % 13}</SenderImId>"
                + $"<Recipients><Recipient><RecipientImId>v{i % 11}</RecipientImId></Recipient></Recipients>"
                + $"<Timestamp>{1795598102 + i}</Timestamp><Text>message number {i}</Text></Message>")
            .Prepend("<FileDump>")
            .Append("</FileDump>");

        var seen = 0;
        string? last = null;
        foreach (var entry in new IceChatParser(IceChatSchema.Default).Parse(new GeneratedXmlStream(parts), Context, CancellationToken.None))
        {
            last = Assert.IsType<ParsedItem>(entry).Item.SourceId;
            seen++;
        }

        Assert.Equal(count, seen);
        Assert.Equal($"m-{count}", last);
    }

    [Fact]
    public void CancellingStopsParsingBetweenMessages()
    {
        using var cancellation = new CancellationTokenSource();
        var xml = $"<FileDump>{Message("m-1")}{Message("m-2")}</FileDump>";
        var entries = new IceChatParser(IceChatSchema.Default)
            .Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)), Context, cancellation.Token)
            .GetEnumerator();

        Assert.True(entries.MoveNext());
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => entries.MoveNext());
    }
}

using Connectors.Sources.Bloomberg;
using Connectors.Sources.Files;
using static Connectors.Tests.BloombergTestXml;

namespace Connectors.Tests;

public sealed class BloombergMessageParserTests
{
    private readonly BloombergMessageParser _parser = new();

    private static string Person(string wrapper, string login, string first, string last, string uuid, string? corporate, string? attributes = null) =>
        $"<{wrapper}{attributes}>{User(login, first, last, uuid, corporate: corporate, tag: "UserInfo")}</{wrapper}>";

    private static string MsgXml(string id, long? at, string recipients, string? extra = null, string subject = "Axes", string body = "Please see attached.") =>
        $"<Message><MsgID>{id}</MsgID>"
        + (at is { } t ? $"<MsgTime>{DateTimeOffset.FromUnixTimeSeconds(t):MM/dd/yyyy HH:mm:ss}</MsgTime><MsgTimeUTC>{t}</MsgTimeUTC>" : "")
        + Person("Sender", "asmith", "Alice", "Smith", "1001", "alice.smith@contoso.com")
        + recipients + $"<Subject>{subject}</Subject>{extra}<MsgBody>{body}</MsgBody></Message>";

    private static readonly string ToCcBcc =
        Person("Recipient", "bjones", "Bob", "Jones", "1002", "bob.jones@contoso.com", " DeliveryType=\"TO\"")
        + Person("Recipient", "eext", "Eve", "External", "2001", null, " DeliveryType=\"CC\"")
        + Person("Recipient", "cwhite", "Carol", "White", "1003", "carol.white@contoso.com", " DeliveryType=\"bcc\"");

    [Theory]
    [InlineData("f123456.msg.261124.xml", true)]
    [InlineData("F123456.MSG.261124.XML2", true)]
    [InlineData("f123456.msg.att.261124.tar.gz", false)]
    [InlineData("f123456.msg.att.261124.0.tar.gz", false)]
    [InlineData("f123456.dscl.261124.xml", false)]
    [InlineData("f123456.ib19.261124.xml", false)]
    public void AcceptsMessageFilesAndTheirSplitPartsOnly(string fileName, bool accepted) =>
        Assert.Equal(accepted, _parser.Accepts(fileName));

    [Fact]
    public void AMessageKeepsItsIdSenderAndRecipientsWithTheirDeliveryType()
    {
        var entries = Parse(_parser, FileDump(MsgXml("MSG-1", T0, ToCcBcc)), Context(MsgFileName));

        var item = Assert.Single(entries.Items());
        Assert.Equal("MSG-1", item.SourceId);
        Assert.Equal(Account, item.SourceAccount);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(T0), item.SentAt);
        Assert.Equal("Axes", item.Subject);
        Assert.Equal("Please see attached.", item.BodyText);
        Assert.Equal("alice.smith@contoso.com", item.Sender.Property("CorporateEmailAddress"));
        Assert.Equal(["Bob Jones", "Eve External", "Carol White"], item.Recipients.Names());
        Assert.Equal(["TO", "CC", "BCC"], item.Recipients.Select(r => r.Property("DeliveryType")));
        Assert.Null(item.Recipients[1].Property("CorporateEmailAddress"));
        Assert.Equal("2001", item.Recipients[1].SourceId);
        Assert.StartsWith("<Message><MsgID>MSG-1</MsgID>", item.RawText());
    }

    [Fact]
    public void OriginalSenderAndOnBehalfOfAreNotedOnTheSender()
    {
        var extra = Person("OrigSender", "zorig", "Zed", "Orig", "3001", null) + Person("OnBehalfOf", "bboss", "Big", "Boss", "3002", null);

        var item = Parse(_parser, FileDump(MsgXml("MSG-2", T0, ToCcBcc, extra)), Context(MsgFileName)).Items().Single();

        Assert.Equal("1001", item.Sender.SourceId);
        Assert.Equal("3001", item.Sender.Property("OrigSender"));
        Assert.Equal("3002", item.Sender.Property("OnBehalfOf"));
    }

    [Fact]
    public void AttachmentsAreResolvedOrMarkedNotDelivered()
    {
        var attachments = "<Attachment><FileName>axes.xlsx</FileName><FileID>A1</FileID><FileSize>100</FileSize></Attachment>"
            + "<Attachment><FileName>term sheet.pdf</FileName><FileID>A2</FileID><FileSize>200</FileSize></Attachment>";
        var delivered = new Dictionary<string, DeliveredAttachment> { ["A1"] = new("A1", "A1", 101, "sha-a1") };

        var item = Parse(_parser, FileDump(MsgXml("MSG-3", T0, ToCcBcc, attachments)), Context(MsgFileName, attachments: delivered)).Items().Single();

        Assert.Equal(2, item.Attachments.Count);
        Assert.Equal(("axes.xlsx", 101L, "sha-a1"), (item.Attachments[0].Name, item.Attachments[0].Size, item.Attachments[0].Sha256));
        Assert.Equal(("term sheet.pdf", 200L, ""), (item.Attachments[1].Name, item.Attachments[1].Size, item.Attachments[1].Sha256));
        Assert.Equal("Attachment term sheet.pdf (A2) was not delivered", item.PartialReason);
    }

    [Fact]
    public void AMessageWithoutIdOrTimeFailsAndTheNextIsStillRead()
    {
        var noId = MsgXml("", T0, ToCcBcc);
        var noTime = MsgXml("MSG-5", null, ToCcBcc);
        var xml = FileDump(noId, noTime, MsgXml("MSG-6", T0, ToCcBcc));

        var entries = Parse(_parser, xml, Context(MsgFileName));

        Assert.Equal(3, entries.Count);
        var failures = entries.Failures();
        Assert.Null(failures[0].ItemId);
        Assert.Contains("MsgID", failures[0].Reason);
        Assert.Equal("MSG-5", failures[1].ItemId);
        Assert.All(failures, f => Assert.False(f.StopsFile));
        Assert.Equal("MSG-6", entries.Items().Single().SourceId);
    }

    [Fact]
    public void TheSameFileParsedTwiceGivesTheSameItems()
    {
        var xml = FileDump(MsgXml("MSG-7", T0, ToCcBcc), MsgXml("MSG-8", T0 + 1, ToCcBcc));

        var first = Parse(_parser, xml, Context(MsgFileName)).Items();
        var second = Parse(_parser, xml, Context(MsgFileName)).Items();

        Assert.Equal(first.Select(i => i.SourceId), second.Select(i => i.SourceId));
        Assert.Equal(first.Select(i => i.RawText()), second.Select(i => i.RawText()));
    }

    [Fact]
    public void AnotherDocumentIsRefusedWithOneStoppingFailure()
    {
        var failure = Assert.IsType<ParseFailure>(Assert.Single(Parse(_parser, "<html><body/></html>", Context(MsgFileName))));

        Assert.True(failure.StopsFile);
        Assert.Contains("not a Bloomberg Message FileDump", failure.Reason);
    }
}

public sealed class BloombergDisclaimerParserTests
{
    private readonly BloombergDisclaimerParser _parser = new();

    [Theory]
    [InlineData("f123456.dscl.261124.xml", true)]
    [InlineData("f123456.DSCL.261124.xml1", true)]
    [InlineData("f123456.msg.261124.xml", false)]
    public void AcceptsDisclaimerFiles(string fileName, bool accepted) => Assert.Equal(accepted, _parser.Accepts(fileName));

    [Fact]
    public void EachDisclaimerIsAnItemAMessageReferenceCanFind()
    {
        var xml = FileDump(
            "<Disclaimer><DisclaimerReference>D-1</DisclaimerReference><DisclaimerText>Not an offer.</DisclaimerText></Disclaimer>",
            "<Disclaimer><DisclaimerText>no reference</DisclaimerText></Disclaimer>",
            "<Disclaimer><DisclaimerReference>D-2</DisclaimerReference><DisclaimerText>Confidential.</DisclaimerText></Disclaimer>");

        var entries = Parse(_parser, xml, Context("f123456.dscl.261124.xml"));

        var items = entries.Items();
        Assert.Equal(["dscl:D-1", "dscl:D-2"], items.Select(i => i.SourceId));
        Assert.Equal(BloombergDisclaimerParser.SourceIdFor("D-1"), items[0].SourceId);
        Assert.Equal("Not an offer.", items[0].BodyText);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero), items[0].SentAt);
        Assert.False(Assert.Single(entries.Failures()).StopsFile);
    }
}

using Connectors.Sources.Bloomberg;
using Connectors.Sources.Files;
using static Connectors.Tests.BloombergTestXml;

namespace Connectors.Tests;

public sealed class InstantBloombergParserTests
{
    private readonly InstantBloombergParser _parser = new();

    [Theory]
    [InlineData("f123456.ib19.261124.xml", true)]
    [InlineData("F123456.IB19.261124.XML", true)]
    [InlineData("f123456.ib19.261124.xml1", true)]
    [InlineData("f123456.ib19.261124.xml2", true)]
    [InlineData("/drop/f123456.ib19.261124.xml", true)]
    [InlineData("f123456.ib19.att.261124.tar.gz", false)]
    [InlineData("f123456.ib19.att.261124.xml", false)]
    [InlineData("f123456.msg.261124.xml", false)]
    [InlineData("f123456.ib19.261124.xml.gpg", false)]
    public void AcceptsInstantBloombergChatFilesAndTheirSplitPartsOnly(string fileName, bool accepted) =>
        Assert.Equal(accepted, _parser.Accepts(fileName));

    [Fact]
    public void EveryEventIsItsOwnItemLinkedToItsConversation()
    {
        var xml = FileDump(Conversation("ROOM-1",
            Entered(Alice, T0), Entered(Bob, T0 + 1),
            Message(Alice, T0 + 2, "Can you show 10mm at 99.5?"),
            Message(Bob, T0 + 3, "Done"),
            Left(Bob, T0 + 4)));

        var entries = Parse(_parser, xml);

        Assert.Empty(entries.Failures());
        var items = entries.Items();
        Assert.Equal(5, items.Count);
        Assert.All(items, i => Assert.Equal("ROOM-1", i.ConversationId));
        Assert.All(items, i => Assert.Equal(Account, i.SourceAccount));
        Assert.All(items, i => Assert.Equal("Instant Bloomberg: ROOM-1", i.Subject));
        Assert.All(items, i => Assert.Equal(Context().EvidenceFileId, i.EvidenceFileId));
        Assert.Equal(
            ["Alice Smith entered the conversation", "Bob Jones entered the conversation", "Can you show 10mm at 99.5?", "Done",
                "Bob Jones left the conversation"],
            items.Select(i => i.BodyText));

        var message = items[2];
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(T0 + 2), message.SentAt);
        Assert.Equal($"11/24/2026 14:15:02 | {T0 + 2}", message.SentAtText);
        Assert.StartsWith($"ROOM-1:{T0 + 2}:Message:", message.SourceId);
        Assert.StartsWith("<Message><User>", message.RawText());
        Assert.Contains("Can you show 10mm at 99.5?", message.RawText());
    }

    [Fact]
    public void TheSenderCarriesTheMappingProperties()
    {
        var item = Parse(_parser, FileDump(Conversation("ROOM-1", Message(Alice, T0, "hi")))).Items().Single();

        var sender = item.Sender;
        Assert.Equal("1001", sender.SourceId);
        Assert.Equal("Alice Smith", sender.DisplayName);
        Assert.Equal("asmith@bloomberg.net", sender.Email);
        Assert.Equal("alice.smith@contoso.com", sender.Property("CorporateEmailAddress"));
        Assert.Equal("asmith", sender.Property("LoginName"));
        Assert.Equal("1001", sender.Property("UUID"));
        Assert.Equal("123", sender.Property("FirmNumber"));
        Assert.Equal("12300", sender.Property("AccountNumber"));
        Assert.Equal("Contoso Bank", sender.Property("CompanyName"));
    }

    [Fact]
    public void RecipientsAreTheOtherParticipantsPresentAndFollowEntriesAndExits()
    {
        var xml = FileDump(Conversation("ROOM-2",
            Entered(Alice, T0), Entered(Bob, T0),
            Message(Alice, T0 + 10, "one"),
            Entered(Carol, T0 + 20),
            Message(Alice, T0 + 30, "two"),
            Left(Bob, T0 + 40),
            Message(Alice, T0 + 50, "three"),
            Message(Carol, T0 + 60, "four")));

        var messages = Parse(_parser, xml).Items().Where(i => i.SourceId.Contains(":Message:")).ToList();

        Assert.Equal(["Bob Jones"], messages[0].Recipients.Names());
        Assert.Equal(["Bob Jones", "Carol White"], messages[1].Recipients.Names());
        Assert.Equal(["Carol White"], messages[2].Recipients.Names());
        Assert.Equal(["Alice Smith"], messages[3].Recipients.Names());
        // One mailbox copy per participant: the sender plus everyone present.
        Assert.Equal(["Alice Smith", "Bob Jones", "Carol White"], messages[1].Participants.Names());
    }

    [Fact]
    public void TheLeavingParticipantIsNotARecipientOfTheirOwnExit()
    {
        var items = Parse(_parser, FileDump(Conversation("ROOM-2", Entered(Alice, T0), Entered(Bob, T0), Left(Bob, T0 + 5)))).Items();

        var exit = items.Last();
        Assert.Equal("Bob Jones", exit.Sender.DisplayName);
        Assert.Equal(["Alice Smith"], exit.Recipients.Names());
    }

    [Fact]
    public void SomeoneWhoSpeaksWithoutAnEntryIsAParticipantFromThenOn()
    {
        var xml = FileDump(Conversation("ROOM-3", Entered(Alice, T0), Message(Bob, T0 + 1, "morning"), Message(Alice, T0 + 2, "hi Bob")));

        var items = Parse(_parser, xml).Items();

        Assert.Equal(["Alice Smith"], items[1].Recipients.Names());
        Assert.Equal(["Bob Jones"], items[2].Recipients.Names());
    }

    [Fact]
    public void AnExternalUserWithoutCorporateAddressIsKept()
    {
        var xml = FileDump(Conversation("ROOM-4", Entered(Alice, T0), Entered(Eve, T0), Message(Eve, T0 + 1, "offer 99.4"), Message(Alice, T0 + 2, "ok")));

        var items = Parse(_parser, xml).Items();

        var fromEve = items[2];
        Assert.Equal("2001", fromEve.Sender.SourceId);
        Assert.Equal("Eve External", fromEve.Sender.DisplayName);
        Assert.Null(fromEve.Sender.Property("CorporateEmailAddress"));
        Assert.Equal("Fabrikam Capital", fromEve.Sender.Property("CompanyName"));
        Assert.Equal(["Alice Smith"], fromEve.Recipients.Names());
        Assert.Equal(["Eve External"], items[3].Recipients.Names());
    }

    [Fact]
    public void AUserWithoutUuidIsIdentifiedByLoginName()
    {
        var noUuid = "<User><LoginName>dlogin</LoginName><FirstName>Dan</FirstName><LastName>Lee</LastName></User>";

        var item = Parse(_parser, FileDump(Conversation("ROOM-5", Message(noUuid, T0, "hello")))).Items().Single();

        Assert.Equal("dlogin", item.Sender.SourceId);
        Assert.Equal("Dan Lee", item.Sender.DisplayName);
        Assert.False(item.Sender.Properties!.ContainsKey("UUID"));
        Assert.False(item.Sender.Properties.ContainsKey("CorporateEmailAddress"));
    }

    [Fact]
    public void SourceIdsAreStableAcrossParsesAndRedeliveries()
    {
        var conversation = Conversation("ROOM-6", Entered(Alice, T0), Message(Alice, T0 + 1, "px?"), Attachment(Alice, T0 + 2, "a.pdf", "F9", 10),
            Left(Alice, T0 + 3));
        var first = Parse(_parser, FileDump(conversation)).Items().Select(i => i.SourceId).ToList();
        var again = Parse(_parser, FileDump(conversation)).Items().Select(i => i.SourceId).ToList();
        // The same conversation delivered late in another day's file, after other conversations.
        var lateFile = FileDump(Conversation("ROOM-0", Message(Bob, T0, "px?")), conversation);
        var late = Parse(_parser, lateFile, Context("f123456.ib19.261125.xml", Guid.NewGuid())).Items()
            .Where(i => i.ConversationId == "ROOM-6").Select(i => i.SourceId).ToList();

        Assert.Equal(4, first.Distinct().Count());
        Assert.Equal(first, again);
        Assert.Equal(first, late);
    }

    [Fact]
    public void IdenticalMessagesInTheSameSecondStayTwoItems()
    {
        var xml = FileDump(Conversation("ROOM-7", Message(Alice, T0, "yes"), Message(Alice, T0, "yes"), Message(Bob, T0, "yes")));

        var ids = Parse(_parser, xml).Items().Select(i => i.SourceId).ToList();

        Assert.Equal(3, ids.Distinct().Count());
        Assert.EndsWith(":0", ids[0]);
        Assert.Equal(ids[0][..^2] + ":1", ids[1]);
        Assert.EndsWith(":0", ids[2]);
        Assert.Equal(ids, Parse(_parser, xml).Items().Select(i => i.SourceId));
    }

    [Fact]
    public void ADeliveredAttachmentIsResolvedByFileId()
    {
        var attachments = new Dictionary<string, DeliveredAttachment>
        {
            ["F100"] = new("F100", "F100", 12345, "ab12cd"),
        };
        var xml = FileDump(Conversation("ROOM-8", Entered(Alice, T0), Entered(Bob, T0), Attachment(Alice, T0 + 1, "report.pdf", "F100", 999)));

        var item = Parse(_parser, xml, Context(attachments: attachments)).Items().Last();

        var attachment = Assert.Single(item.Attachments);
        Assert.Equal("report.pdf", attachment.Name);
        Assert.Equal(12345, attachment.Size);
        Assert.Equal("ab12cd", attachment.Sha256);
        Assert.Null(item.PartialReason);
        Assert.Equal("Attachment: report.pdf (12345 bytes)", item.BodyText);
        Assert.Equal(["Bob Jones"], item.Recipients.Names());
    }

    [Fact]
    public void AnAttachmentThatWasNotDeliveredIsKeptAndMakesThePartial()
    {
        var xml = FileDump(Conversation("ROOM-8", Attachment(Alice, T0 + 1, "book.xlsx", "F404", 2048)));

        var item = Parse(_parser, xml, Context(attachments: new Dictionary<string, DeliveredAttachment>())).Items().Single();

        var attachment = Assert.Single(item.Attachments);
        Assert.Equal("book.xlsx", attachment.Name);
        Assert.Equal(2048, attachment.Size);
        Assert.Equal("", attachment.Sha256);
        Assert.Equal("Attachment book.xlsx (F404) was not delivered", item.PartialReason);
    }

    [Fact]
    public void AMessageWithoutATimeFailsAndTheNextMessageIsStillRead()
    {
        var noTime = $"<Message>{Alice}<Content>when?</Content></Message>";
        var badTime = $"<Message>{Alice}<DateTime>someday</DateTime><Content>later</Content></Message>";
        var xml = FileDump(Conversation("ROOM-9", noTime, badTime, Message(Bob, T0, "now")));

        var entries = Parse(_parser, xml);

        Assert.Equal(3, entries.Count);
        var failures = entries.Failures();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.False(f.StopsFile));
        Assert.All(failures, f => Assert.StartsWith("ROOM-9:", f.ItemId));
        Assert.Contains("ROOM-9", failures[0].Reason);
        Assert.Equal("now", entries.Items().Single().BodyText);
    }

    [Fact]
    public void ATimeWrittenOnlyAsTextIsReadAsUtc()
    {
        var message = $"<Message>{Alice}<DateTime>11/24/2026 09:30:15</DateTime><Content>hi</Content></Message>";

        var item = Parse(_parser, FileDump(Conversation("ROOM-10", message))).Items().Single();

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 9, 30, 15, TimeSpan.Zero), item.SentAt);
        Assert.Equal("11/24/2026 09:30:15", item.SentAtText);
    }

    [Fact]
    public void AnEventWithoutATimeOtherThanAMessageTakesTheLatestTimeOfTheConversation()
    {
        var exit = $"<ParticipantLeft>{Alice}</ParticipantLeft>";

        var items = Parse(_parser, FileDump(Conversation("ROOM-11", Message(Alice, T0 + 7, "bye"), exit))).Items();

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(T0 + 7), items[1].SentAt);
        Assert.Null(items[1].SentAtText);
    }

    [Fact]
    public void InvitesHistoryAndSystemMessagesAreReadable()
    {
        var invite = $"<Invite>{Alice}<Invitee>{Carol}</Invitee>{Time(T0 + 1)}<Content>join us</Content></Invite>";
        var history = $"<History>{Bob}{Time(T0 + 2)}<Content>earlier chat</Content></History>";
        var system = $"<SystemMessage>{Time(T0 + 3)}<Content>Chat room settings changed</Content></SystemMessage>";
        var xml = FileDump(Conversation("ROOM-12", Entered(Alice, T0), Entered(Bob, T0), invite, history, system));

        var items = Parse(_parser, xml).Items();

        Assert.Equal("Invite: Alice Smith invited Carol White: join us", items[2].BodyText);
        Assert.Equal(["Bob Jones", "Carol White"], items[2].Recipients.Names());
        Assert.Equal("History: earlier chat", items[3].BodyText);
        Assert.Equal("Chat room settings changed", items[4].BodyText);
        Assert.Equal("bloomberg:system", items[4].Sender.SourceId);
        Assert.Equal(["Alice Smith", "Bob Jones"], items[4].Recipients.Names());
    }

    [Fact]
    public void UnknownElementsAreIgnoredAndTheConversationIdStandsInForAMissingRoomId()
    {
        var message = $"<Message><Device>M</Device>{Alice}{Time(T0)}<ConversationID>CONV-77</ConversationID><Content>hi</Content><Mood>happy</Mood></Message>";
        var xml = FileDump("<Header><Version>1.9</Version></Header>",
            $"<Conversation><Topic>rates</Topic><Unknown><Message>{Bob}{Time(T0)}<Content>not an event</Content></Message></Unknown>{message}</Conversation>");

        var item = Parse(_parser, xml).Items().Single();

        Assert.Equal("hi", item.BodyText);
        Assert.Equal("CONV-77", item.ConversationId);
        Assert.StartsWith($"CONV-77:{T0}:Message:", item.SourceId);
    }

    [Fact]
    public void AnEmptyFileDumpHasNoEntries()
    {
        Assert.Empty(Parse(_parser, "<FileDump/>"));
        Assert.Empty(Parse(_parser, FileDump("<Conversation/>", Conversation("ROOM-13"))));
    }

    [Fact]
    public void AnotherDocumentIsRefusedWithOneStoppingFailure()
    {
        var entries = Parse(_parser, "<Messages><Message>hi</Message></Messages>");

        var failure = Assert.IsType<ParseFailure>(Assert.Single(entries));
        Assert.True(failure.StopsFile);
        Assert.Contains("not an Instant Bloomberg FileDump", failure.Reason);
    }

    [Fact]
    public void CancellationStopsBetweenElements()
    {
        using var cancellation = new CancellationTokenSource();
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            FileDump(Conversation("ROOM-14", Message(Alice, T0, "a"), Message(Alice, T0 + 1, "b"), Message(Alice, T0 + 2, "c")))));
        var read = new List<ParsedEntry>();

        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var entry in _parser.Parse(stream, Context(), cancellation.Token))
            {
                read.Add(entry);
                cancellation.Cancel();
            }
        });
        Assert.Single(read);
    }
}

using System.IO.Compression;
using System.Text;
using Connectors.Archive;
using Connectors.Sources.Files;
using Connectors.Sources.Slack;
using static Connectors.Tests.SlackTestSupport;

namespace Connectors.Tests;

/// <summary>How single messages and conversation lists map, on small hand-written exports.</summary>
public sealed class SlackMessageMappingTests
{
    private static readonly SlackConversation General = new("C1", "general", SlackConversationKind.PublicChannel, ["U1", "U2", "U3"]);

    private static SlackDirectory Directory()
    {
        var directory = new SlackDirectory();
        Assert.Empty(directory.LoadUsers(new MemoryStream(Encoding.UTF8.GetBytes(Users)), "users.json", CancellationToken.None));
        directory.Add(General);
        return directory;
    }

    private static List<ParsedEntry> Read(string json, SlackDirectory? directory = null) =>
        SlackMessageReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), Context(), CancellationToken.None, General,
            directory ?? Directory(), "general/2016-01-01.json").ToList();

    private static SourceItem One(string message, SlackDirectory? directory = null) =>
        Assert.IsType<ParsedItem>(Assert.Single(Read($"[{message}]", directory))).Item;

    [Fact]
    public void DirectAndGroupMessagesAndPrivateChannelsMapTheirFoldersToTheirIds()
    {
        using var zip = Zip(
            ("users.json", Users),
            ("groups.json", """[{"id":"G1","name":"secret","members":["U1","U2"]}]"""),
            ("dms.json", """[{"id":"D1","members":["U1","U3"]}]"""),
            ("mpims.json", """[{"id":"G2","name":"mpdm-ann--bob--cy-1","members":["U1","U2","U3"]}]"""),
            ("secret/2016-01-01.json", $"[{Message("1451606400.000001", "U1", "private")}]"),
            ("D1/2016-01-01.json", $"[{Message("1451606400.000002", "U3", "direct")}]"),
            ("mpdm-ann--bob--cy-1/2016-01-01.json", $"[{Message("1451606400.000003", "U2", "group")}]"),
            ("unlisted/2016-01-01.json", $"[{Message("1451606400.000004", "U2", "lost")}]"),
            ("D1/not-a-day.json", "garbage"),
            ("integration_logs.json", "garbage"));

        var entries = new SlackExportParser().Parse(zip, Context(), CancellationToken.None).ToList();

        Assert.Empty(entries.SlackFailures());
        var items = entries.SlackItems().ToDictionary(i => i.BodyText!);
        Assert.Equal(("G1:1451606400.000001", "Slack #secret"), (items["private"].SourceId, items["private"].Subject));
        Assert.Equal("U2", Assert.Single(items["private"].Recipients).SourceId);
        Assert.Equal(("D1:1451606400.000002", "Slack direct message"), (items["direct"].SourceId, items["direct"].Subject));
        Assert.Equal("ann@contoso.com", Assert.Single(items["direct"].Recipients).Email);
        Assert.Equal(("G2", "Slack group direct message"), (items["group"].ConversationId, items["group"].Subject));
        Assert.Equal(["U1", "U3"], items["group"].Recipients.Select(r => r.SourceId));
        Assert.Equal(("unlisted", "Slack #unlisted"), (items["lost"].ConversationId, items["lost"].Subject));
        Assert.Empty(items["lost"].Recipients);
    }

    [Fact]
    public void UsersAreNamedFromTheirProfileThenTheirAccount()
    {
        var users = Directory().Users;

        Assert.Equal(("Ann Archer", "ann@contoso.com"), (users["U1"].DisplayName, users["U1"].Email));
        Assert.Equal("Europe/London", users["U1"].Property("tz"));
        Assert.Equal("Bobby", users["U2"].DisplayName);
        Assert.Null(users["U2"].Email);
    }

    [Fact]
    public void AThreadReplyPointsAtItsRootAndTheRootAtNothing()
    {
        var entries = Read($$"""
            [{{Message("1451606400.000100", "U1", "root", ",\"thread_ts\":\"1451606400.000100\",\"reply_count\":1")}},
             {{Message("1451606500.000100", "U2", "reply", ",\"thread_ts\":\"1451606400.000100\",\"parent_user_id\":\"U1\"")}}]
            """);

        var (root, reply) = (entries.SlackItems()[0], entries.SlackItems()[1]);
        Assert.Equal(("1451606400.000100", null), (root.ThreadId, root.ParentId));
        Assert.Equal(("1451606400.000100", "1451606400.000100"), (reply.ThreadId, reply.ParentId));
    }

    [Fact]
    public void ATombstoneIsADeletion()
    {
        var item = One("""{"type":"message","subtype":"tombstone","user":"USLACKBOT","text":"This message was deleted.","ts":"1451606400.000100","thread_ts":"1451606400.000100","hidden":true}""");

        Assert.Equal(VersionKind.Deletion, item.Kind);
        Assert.Equal("deleted", item.VersionMarker);
        Assert.Equal("USLACKBOT", item.Sender.SourceId);
        Assert.Equal(3, item.Recipients.Count);
    }

    [Fact]
    public void AnUnknownUserIsFilledFromTheMessagesUserProfile()
    {
        var item = One(Message("1451606400.000100", "U9", "hello", ",\"user_profile\":{\"real_name\":\"Nia Nine\",\"name\":\"nia\",\"display_name\":\"N\"}"));

        Assert.Equal(("U9", "Nia Nine"), (item.Sender.SourceId, item.Sender.DisplayName));
        Assert.Equal("nia", item.Sender.Property("name"));
        Assert.Equal(3, item.Recipients.Count);
    }

    [Fact]
    public void ABotMessageIsKeptUnderItsBotIdentityNamedByItsUsername()
    {
        var item = One("""{"type":"message","subtype":"bot_message","bot_id":"B1","username":"deploy-bot","text":"deployed","ts":"1451606400.000100"}""");

        Assert.Equal(("bot:B1", "deploy-bot"), (item.Sender.SourceId, item.Sender.DisplayName));
        Assert.Equal("deployed", item.BodyText);
        Assert.Equal(3, item.Recipients.Count);
    }

    [Fact]
    public void NewerFilesAreAttachmentsOfAPartialItem()
    {
        var item = One(Message("1451606400.000100", "U1", "see", """
            ,"files":[{"id":"F1","name":"a.pdf","mimetype":"application/pdf","size":10},{"id":"F2","title":"no name","size":"20"},{"id":"F1","name":"a.pdf"}]
            """));

        Assert.Equal([new ItemAttachment("a.pdf", 10, "application/pdf", ""), new ItemAttachment("no name", 20, null, "")], item.Attachments);
        Assert.Equal("File content not in the export: a.pdf, no name", item.PartialReason);
    }

    [Fact]
    public void AMessageWithoutTsFailsAloneWithItsLine()
    {
        var entries = Read($"[{Message("1451606400.000100", "U1", "one")},\n{{\"type\":\"message\",\"user\":\"U1\",\"text\":\"no ts\"}},\n{Message("1451606402.000100", "U1", "three")}]");

        Assert.Equal(["one", "three"], entries.SlackItems().Select(i => i.BodyText));
        var failure = Assert.Single(entries.SlackFailures());
        Assert.False(failure.StopsFile);
        Assert.Equal(2, failure.Line);
        Assert.Equal("general/2016-01-01.json", failure.ItemId);
        Assert.Contains("no ts", failure.Reason);
    }

    [Fact]
    public void UnreadableTimesAndNonObjectsFailAlone()
    {
        var entries = Read($"[{Message("yesterday", "U1", "bad")}, 42, {Message("1451606402", "U1", "whole seconds")}]");

        Assert.Equal(2, entries.SlackFailures().Count);
        Assert.Equal("C1:yesterday", entries.SlackFailures()[0].ItemId);
        var item = Assert.Single(entries.SlackItems());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1451606402), item.SentAt);
    }

    [Fact]
    public void AByteOrderMarkIsSkipped()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes($"[{Message("1451606400.000100", "U1", "bom")}]")).ToArray();

        var entries = SlackMessageReader.Read(new MemoryStream(bytes), Context(), CancellationToken.None, General).ToList();

        Assert.Equal("bom", Assert.Single(entries.SlackItems()).BodyText);
    }

    [Fact]
    public void AHugeDayFileIsStreamedMessageByMessage()
    {
        const int count = 50_000;
        using var zip = Zip(archive =>
        {
            using var stream = archive.CreateEntry("general/2016-01-01.json").Open();
            using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            writer.Write('[');
            for (var i = 0; i < count; i++)
            {
                writer.Write(i == 0 ? "" : ",\n");
                writer.Write(Message($"{1451606400 + i}.000100", "U1", $"message {i}"));
            }
            writer.Write(']');
        });

        var entries = new SlackExportParser(maxMessageBytes: 4096).Parse(zip, Context(), CancellationToken.None);

        var seen = 0;
        foreach (var entry in entries)
        {
            var item = Assert.IsType<ParsedItem>(entry).Item;
            Assert.Equal($"message {seen}", item.BodyText);
            seen++;
        }
        Assert.Equal(count, seen);
    }

    [Fact]
    public void DayFilesAreRecognisedByTheirShape()
    {
        Assert.True(SlackExportParser.IsDayFile("general/2016-01-01.json", out var folder));
        Assert.Equal("general", folder);
        Assert.False(SlackExportParser.IsDayFile("general/2016-13-01.json", out _));
        Assert.False(SlackExportParser.IsDayFile("users.json", out _));
        Assert.False(SlackExportParser.IsDayFile("a/b/2016-01-01.json", out _));
        Assert.False(SlackExportParser.IsDayFile("general/", out _));
    }
}

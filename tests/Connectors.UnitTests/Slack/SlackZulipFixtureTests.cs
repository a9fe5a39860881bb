using System.Text;
using Connectors.Archive;
using Connectors.Sources.Files;
using Connectors.Sources.Slack;
using static Connectors.Tests.SlackTestSupport;

namespace Connectors.Tests;

/// <summary>The pieces of a Slack export from Zulip's importer fixtures, read on their own.</summary>
public sealed class SlackZulipFixtureTests
{
    private static SlackDirectory Directory()
    {
        var directory = new SlackDirectory();
        using var users = File.OpenRead(Zulip("test_slack_importer", "users.json"));
        Assert.Empty(directory.LoadUsers(users, "users.json", CancellationToken.None));
        directory.Add(new SlackConversation("C5Z73A7RA", "random", SlackConversationKind.PublicChannel, [.. directory.Users.Keys]));
        return directory;
    }

    private static List<ParsedEntry> Read(string path, SlackConversation? conversation = null, SlackDirectory? directory = null)
    {
        using var file = File.OpenRead(path);
        return SlackMessageReader.Read(file, Context(Path.GetFileName(path)), CancellationToken.None, conversation, directory).ToList();
    }

    [Fact]
    public void NonLatinNamesAndTimeZonesSurviveUsersJson()
    {
        var users = Directory().Users;

        Assert.Equal(4, users.Count);
        var rishi = users["U8X25EBAB"];
        Assert.Equal("Rishi \u0939\u093f\u0928\u094d\u0926\u0940 \u6c49\u8bed", rishi.DisplayName);
        Assert.Equal("\u6c49\u8bed \u0939\u093f\u0928\u094d\u0926\u0940", rishi.Property("display_name"));
        Assert.Equal("rishiweb_0", rishi.Property("name"));
        Assert.Equal("Asia/Kolkata", rishi.Property("tz"));
        Assert.Null(rishi.Email);
        Assert.Equal("Europe/Amsterdam", users["U6006P1CN"].Property("tz"));
        Assert.Equal("Josef K.", users["U6006P1CN"].DisplayName);
        Assert.Equal("America/New_York", users["U8VAHEVUY"].Property("tz"));
    }

    [Fact]
    public void TheRandomDayFilesParse()
    {
        var directory = Directory();
        var conversation = directory.ForFolder("random");

        var june = Read(Zulip("test_slack_importer", "random", "2017-06-25.json"), conversation, directory);
        var january = Read(Zulip("test_slack_importer", "random", "2018-01-20.json"), conversation, directory);

        Assert.Empty(june.SlackFailures());
        Assert.Empty(january.SlackFailures());
        Assert.Equal(["<@U6006P1CN> has joined the channel", "edfadfa"], june.SlackItems().Select(i => i.BodyText));
        var items = january.SlackItems();
        Assert.Equal(11, items.Count);
        Assert.All(items, i => Assert.Equal("Slack #random", i.Subject));
        Assert.All(items, i => Assert.Equal(3, i.Recipients.Count));
        Assert.Equal(["<!channel>", "<!channel>"], items.Where(i => i.BodyText == "<!channel>").Select(i => i.BodyText));
    }

    [Fact]
    public void ALegacyFileShareWithANullBotIdIsTheUsersMessage()
    {
        var directory = Directory();
        var items = Read(Zulip("test_slack_importer", "random", "2018-01-20.json"), directory.ForFolder("random"), directory).SlackItems();

        var share = Assert.Single(items, i => i.Attachments.Count > 0);
        Assert.Equal("C5Z73A7RA:1516457078.000065", share.SourceId);
        Assert.Equal("U6006P1CN", share.Sender.SourceId);
        Assert.Equal("Josef K.", share.Sender.DisplayName);
        Assert.Equal(new ItemAttachment("dirac72.md", 5755, "text/plain", ""), Assert.Single(share.Attachments));
        Assert.Equal("File content not in the export: dirac72.md", share.PartialReason);
        // Non-ASCII of the snippet preview is kept as the file wrote it.
        Assert.Contains("de\uFB01nes", Encoding.UTF8.GetString(share.Raw.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void ABroadcastReplyIsLinkedToItsThreadRoot()
    {
        var entries = Read(Zulip("exported_messages_fixtures", "thread_with_broadcast_reply.json"));

        Assert.Empty(entries.SlackFailures());
        var items = entries.SlackItems();
        Assert.Equal(3, items.Count);
        Assert.All(items, i => Assert.Equal("random", i.ConversationId));
        Assert.All(items, i => Assert.Equal("Slack #random", i.Subject));
        Assert.All(items, i => Assert.Equal("1434139102.000002", i.ThreadId));

        var root = items[0];
        Assert.Equal("random:1434139102.000002", root.SourceId);
        Assert.Null(root.ParentId);
        var reply = items[1];
        Assert.Equal("1434139102.000002", reply.ParentId);
        var broadcast = Assert.Single(items, i => i.BodyText == "everyone should see this");
        Assert.Equal("random:1434139104.000002", broadcast.SourceId);
        Assert.Equal("1434139102.000002", broadcast.ParentId);
        Assert.Equal("U061A1R2R", broadcast.Sender.SourceId);
    }

    [Fact]
    public void ASingleMessageObjectWithCanvasAndSnippetFilesHasBothAsAttachments()
    {
        var conversation = new SlackConversation("C06NRA6", "general", SlackConversationKind.PublicChannel, ["U06NU4E26M9", "U074VRHQ11T"]);

        var entries = Read(Zulip("exported_messages_fixtures", "message_with_variety_files_and_rich_text.json"), conversation);

        var item = Assert.IsType<ParsedItem>(Assert.Single(entries)).Item;
        Assert.Equal("C06NRA6:1772636065.551219", item.SourceId);
        Assert.Equal("U06NU4E26M9", item.Sender.SourceId);
        Assert.Equal("U074VRHQ11T", Assert.Single(item.Recipients).SourceId);
        Assert.Equal("message with *files  <@U074VRHQ11T>* \nF07A32DC2GG", item.BodyText);
        Assert.Equal(
            [new ItemAttachment("Untitled", 602, "application/vnd.slack-docs", ""), new ItemAttachment("channels.json", 1563, "text/plain", "")],
            item.Attachments);
        Assert.Equal("File content not in the export: Untitled, channels.json", item.PartialReason);
        // Raw is the object's bytes exactly: the file less its final newline.
        var file = File.ReadAllBytes(Zulip("exported_messages_fixtures", "message_with_variety_files_and_rich_text.json"));
        Assert.Equal(file.AsSpan().TrimEnd("\n"u8).ToArray(), item.Raw.ToArray());
    }

    [Fact]
    public void AFileDeliveredBesideTheExportIsNotMissing()
    {
        var delivered = new Dictionary<string, DeliveredAttachment>
        {
            ["F07A2TVQ7C0"] = new("F07A2TVQ7C0", "channels.json", 1563, "ab12"),
        };
        var bytes = File.ReadAllBytes(Zulip("exported_messages_fixtures", "message_with_variety_files_and_rich_text.json"));

        var item = Assert.IsType<ParsedItem>(SlackMessageReader.Map(bytes, Context() with { Attachments = delivered })).Item;

        Assert.Equal("ab12", item.Attachments[1].Sha256);
        Assert.Equal("File content not in the export: Untitled", item.PartialReason);
    }
}

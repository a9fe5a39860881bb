using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Connectors.Archive;
using Connectors.Sources.Files;
using Connectors.Sources.Slack;
using static Connectors.Tests.SlackTestSupport;

namespace Connectors.Tests;

/// <summary>The hfaran slack-export-viewer test archive (a real 2016 export, pseudonymised) end to end.</summary>
public sealed class SlackExportCorpusTests
{
    private const string Enrique = "C0JGLMMNX";
    private const string TravelingSailor = "C0JL6CGQ2";

    private static readonly Guid Evidence = Guid.NewGuid();
    private static readonly Lazy<List<ParsedEntry>> Parsed = new(() =>
    {
        using var file = File.OpenRead(TestArchive);
        return new SlackExportParser().Parse(file, Context("testarchive.zip", Evidence), CancellationToken.None).ToList();
    });

    private static List<SourceItem> Items => Parsed.Value.SlackItems();

    private static SourceItem Item(string sourceId) => Assert.Single(Items, i => i.SourceId == sourceId);

    [Fact]
    public void AcceptsZipFilesOnly()
    {
        var parser = new SlackExportParser();
        Assert.True(parser.Accepts("slack-export-2016.ZIP"));
        Assert.False(parser.Accepts("users.json"));
    }

    [Fact]
    public void EveryMessageBecomesOneItemAndNothingFails()
    {
        Assert.Empty(Parsed.Value.SlackFailures());
        // Verified by hand: unzip -p testarchive.zip 'enrique/*.json' | python3 (json.load, len) → 102 and 56.
        Assert.Equal(102, Items.Count(i => i.ConversationId == Enrique));
        Assert.Equal(56, Items.Count(i => i.ConversationId == TravelingSailor));
        Assert.Equal(158, Items.Count);
        Assert.Equal(Items.Count, Items.Select(i => i.SourceId).Distinct().Count());
    }

    [Fact]
    public void PerChannelCountsMatchAnIndependentReadingOfTheDayFiles()
    {
        using var zip = ZipFile.OpenRead(TestArchive);
        var expected = zip.Entries
            .Where(e => e.FullName.EndsWith(".json", StringComparison.Ordinal) && e.FullName.Contains('/'))
            .GroupBy(e => e.FullName[..e.FullName.IndexOf('/')])
            .ToDictionary(g => g.Key, g => g.Sum(e =>
            {
                using var stream = e.Open();
                using var document = JsonDocument.Parse(stream);
                return document.RootElement.GetArrayLength();
            }));

        Assert.Equal(expected["enrique"], Items.Count(i => i.ConversationId == Enrique));
        Assert.Equal(expected["traveling-sailor"], Items.Count(i => i.ConversationId == TravelingSailor));
    }

    [Fact]
    public void ItemsCarryTheirKeyTimeSubjectAndEvidence()
    {
        var item = Item($"{TravelingSailor}:1458972985.000010");

        Assert.Equal("T-slack-team", item.SourceAccount);
        Assert.Equal(TravelingSailor, item.ConversationId);
        Assert.Equal("Slack #traveling-sailor", item.Subject);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1458972985).AddTicks(100), item.SentAt);
        Assert.Equal("1458972985.000010", item.SentAtText);
        Assert.Equal(Evidence, item.EvidenceFileId);
        Assert.Null(item.ThreadId);
        Assert.Null(item.ParentId);
        Assert.StartsWith("```{\"cities\"", item.BodyText);
    }

    [Fact]
    public void UsersHaveNoEmailSoTheSlackUserIdIsTheMappingKey()
    {
        var item = Item($"{TravelingSailor}:1458972985.000010");

        Assert.Equal("U0BMQB6JE", item.Sender.SourceId);
        Assert.Equal("Hamza Faran", item.Sender.DisplayName);
        Assert.Null(item.Sender.Email);
        Assert.Equal("hamza", item.Sender.Property("name"));
        Assert.Equal("America/Los_Angeles", item.Sender.Property("tz"));
        Assert.All(Items.SelectMany(i => i.Participants), p => Assert.Null(p.Email));
    }

    [Fact]
    public void RecipientsAreTheChannelMembersOtherThanTheSender()
    {
        var item = Item($"{TravelingSailor}:1458972985.000010");

        Assert.Equal(["U0BMM2FEH", "U0BMS113R", "U0BMYT2FL"], item.Recipients.Select(r => r.SourceId).Order());
        Assert.Contains(item.Recipients, r => r.DisplayName == "Harry Potter");
    }

    [Fact]
    public void TheEditedMessageIsAnEditMarkedByItsEditTime()
    {
        var edit = Assert.Single(Items, i => i.Kind == VersionKind.Edit);

        Assert.Equal($"{TravelingSailor}:1458972985.000010", edit.SourceId);
        Assert.Equal("1458981134.000000", edit.VersionMarker);
        Assert.DoesNotContain(Items, i => i.Kind == VersionKind.Deletion);
        // Originals are named by Slack's marker too, so an export and the API agree on the version whatever their formatting.
        Assert.All(Items.Where(i => i.Kind == VersionKind.Original), i => Assert.Equal("original", i.VersionMarker));
    }

    [Fact]
    public void The94BotMessagesAreKeptWithTheirBotIdentity()
    {
        var bots = Items.Where(i => Subtype(i) == "bot_message").ToList();

        Assert.Equal(94, bots.Count);
        Assert.Equal(66, bots.Count(b => b.ConversationId == Enrique));
        Assert.All(bots, b =>
        {
            var botId = RawString(b, "bot_id");
            Assert.Equal($"bot:{botId}", b.Sender.SourceId);
            Assert.Equal(botId, b.Sender.Property("bot_id"));
            Assert.Equal(4, b.Recipients.Count);
            // The text is empty; the body is the GitHub attachment's fallback.
            Assert.False(string.IsNullOrEmpty(b.BodyText));
        });
        Assert.Equal(94, Items.Count(i => i.Sender.SourceId.StartsWith("bot:", StringComparison.Ordinal)));
    }

    [Fact]
    public void ReactionsAreKeptInTheRawMessage()
    {
        var item = Item($"{Enrique}:1459154014.000018");

        using var raw = JsonDocument.Parse(item.Raw);
        var reaction = Assert.Single(raw.RootElement.GetProperty("reactions").EnumerateArray());
        Assert.Equal("botman", reaction.GetProperty("name").GetString());
        Assert.Equal("U0BMYT2FL", reaction.GetProperty("users")[0].GetString());
        Assert.StartsWith("[enrique:master] <https://github.com/", item.BodyText);
    }

    [Fact]
    public void LegacyFileMessagesArePartiallyImportedWithTheReason()
    {
        var withFiles = Items.Where(i => i.Attachments.Count > 0).ToList();

        Assert.Equal(4, withFiles.Count);
        Assert.All(withFiles, i => Assert.StartsWith("File content not in the export: ", i.PartialReason));
        Assert.All(Items.Where(i => i.Attachments.Count == 0), i => Assert.Null(i.PartialReason));

        var share = Assert.Single(withFiles, i => i.Attachments[0].Name == "100_cities.js");
        Assert.Equal("file_share", Subtype(share));
        Assert.Equal(new ItemAttachment("100_cities.js", 4163, "text/plain", ""), Assert.Single(share.Attachments));
        Assert.Equal("File content not in the export: 100_cities.js", share.PartialReason);
        Assert.Equal("U0BMS113R", share.Sender.SourceId);
    }

    [Fact]
    public void ALegacyFileCommentIsSentByTheCommenter()
    {
        var comment = Assert.Single(Items, i => Subtype(i) == "file_comment");

        Assert.Equal("U0BMS113R", comment.Sender.SourceId);
        Assert.Equal("Hermione Granger", comment.Sender.DisplayName);
        Assert.Equal("10_cities.js", Assert.Single(comment.Attachments).Name);
    }

    [Fact]
    public void JoinAndIntegrationEventsAreItemsToo()
    {
        Assert.Equal(8, Items.Count(i => Subtype(i) == "channel_join"));
        Assert.Equal(3, Items.Count(i => Subtype(i) == "bot_add"));
        // bot_add names the person who added the integration, not the bot.
        Assert.All(Items.Where(i => Subtype(i) == "bot_add"), i => Assert.Equal("U0BMQB6JE", i.Sender.SourceId));
    }

    [Fact]
    public void RawIsTheMessageExactlyAsInTheDayFileEscapesIncluded()
    {
        using var zip = ZipFile.OpenRead(TestArchive);
        var files = zip.Entries.Where(e => SlackExportParser.IsDayFile(e.FullName, out _)).Select(e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }).ToList();

        Assert.All(Items, i => Assert.Contains(files, f => f.AsSpan().IndexOf(i.Raw.Span) >= 0));
        Assert.Contains(Items, i => Encoding.UTF8.GetString(i.Raw.Span).Contains("\\/", StringComparison.Ordinal));
    }

    private static string? Subtype(SourceItem item) => RawString(item, "subtype");

    private static string? RawString(SourceItem item, string property)
    {
        using var raw = JsonDocument.Parse(item.Raw);
        return raw.RootElement.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}

using System.Text;
using Connectors.Archive;
using Connectors.Sources.Files;
using Connectors.Sources.Social.X;

namespace Connectors.Tests.Social;

/// <summary>
/// The docnow/twarc-csv test data (real X API v2 responses saved by twarc, read in place) through <see cref="XJsonlReader"/>.
/// Expected counts were worked out by hand from the files (python json.loads per line), not from the reader.
/// </summary>
public sealed class XCorpusTests
{
    private const string Account = "x-account-1";
    private const string OriginalId = "1576994746135764992";
    private const string EditedId = "1576994789110992896";

    public static string Corpus(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Connectors.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus", "docnow-twarc-csv", file));
            }
        }
        throw new InvalidOperationException("Connectors.sln not found above " + AppContext.BaseDirectory);
    }

    public static List<ParsedEntry> Read(string file)
    {
        using var stream = File.OpenRead(Corpus(file));
        return new XJsonlReader().Parse(stream, new FileParseContext(Account, file, Guid.Empty), CancellationToken.None).ToList();
    }

    private static List<SourceItem> Items(string file) => Read(file).OfType<ParsedItem>().Select(i => i.Item).ToList();

    [Theory]
    [InlineData("cashtags.jsonl", 1, 0, 0, 1, 0)]
    [InlineData("cotweet.jsonl", 1, 0, 0, 0, 0)]
    [InlineData("edited.jsonl", 2, 0, 1, 1, 0)]
    [InlineData("edited_after.jsonl", 2, 0, 1, 1, 0)]
    [InlineData("edited_before.jsonl", 2, 0, 1, 1, 0)]
    [InlineData("empty.json", 0, 1, 0, 0, 0)]
    [InlineData("geo_tweets.jsonl", 2, 0, 0, 0, 0)]
    [InlineData("lists.jsonl", 0, 6, 0, 0, 0)]
    [InlineData("many_urls.jsonl", 1, 0, 0, 0, 0)]
    [InlineData("media_tweet.jsonl", 1, 0, 0, 1, 0)]
    [InlineData("mentions_tweet.jsonl", 1, 0, 0, 0, 0)]
    [InlineData("quoted_edit.jsonl", 1, 0, 0, 0, 0)]
    [InlineData("streaming_output_with_error.jsonl", 7, 1, 0, 2, 0)]
    [InlineData("tweets_compliance.jsonl", 2, 0, 0, 0, 2)]
    [InlineData("two_tweets.jsonl", 1, 0, 0, 0, 0)]
    [InlineData("users_compliance.jsonl", 2, 0, 0, 0, 2)]
    [InlineData("verified_type.jsonl", 1, 0, 0, 0, 0)]
    public void EveryCorpusFileYieldsItsPostsAndFailuresWithoutThrowing(string file, int items, int failures, int edits, int partial, int deletions)
    {
        var entries = Read(file);

        var parsed = entries.OfType<ParsedItem>().Select(i => i.Item).ToList();
        Assert.Equal(items, parsed.Count);
        Assert.Equal(failures, entries.OfType<ParseFailure>().Count());
        Assert.Equal(edits, parsed.Count(i => i.Kind == VersionKind.Edit));
        Assert.Equal(partial, parsed.Count(i => i.PartialReason is not null));
        Assert.Equal(deletions, parsed.Count(i => i.Kind == VersionKind.Deletion));
        Assert.All(parsed, i => Assert.Equal(Account, i.SourceAccount));
        Assert.All(parsed, i => Assert.False(i.Raw.IsEmpty));
        Assert.All(parsed, i => Assert.Equal(Guid.Empty, i.EvidenceFileId));
    }

    [Fact]
    public void EveryFileOfTheCorpusIsCoveredByTheCountsAbove()
    {
        var files = Directory.GetFiles(Path.GetDirectoryName(Corpus("x"))!).Select(Path.GetFileName)
            .Where(f => !f!.EndsWith(".md", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(17, files.Count);
        Assert.All(files, f => Assert.True(new XJsonlReader().Accepts(f!)));
    }

    [Fact]
    public void TheTruncatedLastLineOfTheStreamIsOneFailedItemWithItsLineNumberAndTheSevenRecordsBeforeItStand()
    {
        var entries = Read("streaming_output_with_error.jsonl");

        var failure = Assert.Single(entries.OfType<ParseFailure>());
        Assert.Equal(8, failure.Line);
        Assert.Contains("line 8 is not valid JSON", failure.Reason, StringComparison.Ordinal);
        Assert.False(failure.StopsFile);
        Assert.IsType<ParseFailure>(entries[^1]);
        Assert.Equal(7, entries.OfType<ParsedItem>().Select(i => i.Item.SourceId).Distinct().Count());
    }

    [Fact]
    public void TheEmptyFileIsOneFailedItemSayingItIsEmpty()
    {
        var failure = Assert.IsType<ParseFailure>(Assert.Single(Read("empty.json")));
        Assert.Contains("empty", failure.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edited.jsonl")]
    [InlineData("edited_before.jsonl")]
    [InlineData("edited_after.jsonl")]
    public void AnEditedPostIsTheOriginalAndAnEditVersionOfTheSameItem(string file)
    {
        var items = Items(file);

        Assert.All(items, i => Assert.Equal(OriginalId, i.SourceId));
        var original = Assert.Single(items, i => i.Kind == VersionKind.Original);
        var edit = Assert.Single(items, i => i.Kind == VersionKind.Edit);
        Assert.Equal(OriginalId, original.VersionMarker);
        Assert.Equal(EditedId, edit.VersionMarker);
        Assert.StartsWith("i miss y’all so much", original.BodyText, StringComparison.Ordinal);
        Assert.StartsWith("hey :)", edit.BodyText, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.Parse("2022-10-03T17:57:01Z"), original.SentAt);
        Assert.Equal(DateTimeOffset.Parse("2022-10-03T17:57:11Z"), edit.SentAt);
        Assert.EndsWith("(edited)", edit.Subject, StringComparison.Ordinal);
        Assert.Equal("337119125", edit.Sender.SourceId);
        Assert.Equal("Jane Manchun Wong (@wongmjane)", edit.Sender.DisplayName);
    }

    [Fact]
    public void TheThreeEditFilesAgreeOnTheVersionsSoImportingAllOfThemKeepsTwoVersions()
    {
        var versions = new[] { "edited.jsonl", "edited_before.jsonl", "edited_after.jsonl" }
            .SelectMany(Items).Select(i => (i.SourceId, i.Kind, i.VersionMarker)).Distinct().ToList();

        Assert.Equal([(OriginalId, VersionKind.Original, OriginalId), (OriginalId, VersionKind.Edit, EditedId)],
            versions.OrderBy(v => v.Kind).ToList());
    }

    [Fact]
    public void AReplyThatQuotesAnEditedPostPointsAtTheVersionItRepliedToAndQuotesTheOriginal()
    {
        var item = Assert.Single(Items("quoted_edit.jsonl"));

        Assert.Equal("1576995594388000768", item.SourceId);
        Assert.Equal(EditedId, item.ParentId);
        Assert.Equal(VersionKind.Original, item.Kind);
        Assert.StartsWith("Reply by @dappdavid99 on X", item.Subject, StringComparison.Ordinal);
        Assert.Contains($"[Quoting @wongmjane, post {OriginalId}] i miss y’all", item.BodyText, StringComparison.Ordinal);
        Assert.Contains($"[In reply to @wongmjane, post {EditedId}] hey :)", item.BodyText, StringComparison.Ordinal);
        Assert.Contains(item.Recipients, r => r.SourceId == "337119125");
    }

    [Fact]
    public void MentionedAccountsAreRecipientsAndARepostSaysWhatItReposts()
    {
        var item = Assert.Single(Items("mentions_tweet.jsonl"));

        Assert.Equal("68401342", item.Sender.SourceId);
        var mentioned = Assert.Single(item.Recipients);
        Assert.Equal("1221317221714157569", mentioned.SourceId);
        Assert.Equal("S3NT1N3L17", mentioned.Property("username"));
        Assert.StartsWith("Repost by @BaldManGamer", item.Subject, StringComparison.Ordinal);
        Assert.Contains("[Reposting @S3NT1N3L17, post 1589671906718134272]", item.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public void MediaStayOnXSoThePostIsPartiallyImportedWithTheMediaNamed()
    {
        var item = Assert.Single(Items("media_tweet.jsonl"));

        Assert.StartsWith("Media not downloaded", item.PartialReason, StringComparison.Ordinal);
        Assert.Contains("video https://pbs.twimg.com/ext_tw_video_thumb/1558552952549277696", item.PartialReason, StringComparison.Ordinal);
    }

    [Fact]
    public void DeletedPostsInAComplianceFileAreDeletionVersionsOfThosePosts()
    {
        var items = Items("tweets_compliance.jsonl");

        Assert.Equal(["1170025343920402432", "1170147183095664640"], items.Select(i => i.SourceId));
        Assert.All(items, i => Assert.Equal(VersionKind.Deletion, i.Kind));
        Assert.Equal("X post 1170025343920402432 deleted (reason: protected)", items[0].Subject);
        // The redaction time, when the record has one, is when the deletion happened.
        Assert.Equal(DateTimeOffset.Parse("2021-08-17T17:26:15.788Z"), items[1].SentAt);
        Assert.Equal(XRecords.ComplianceSender, items[0].Sender);
    }

    [Fact]
    public void AccountComplianceRecordsAreDeletionsOfTheAccountsRecordAndARepeatedLineIsTheSameVersion()
    {
        var items = Items("users_compliance.jsonl");

        Assert.All(items, i => Assert.Equal("user:1482680858", i.SourceId));
        Assert.All(items, i => Assert.Equal(VersionKind.Deletion, i.Kind));
        Assert.Single(items.Select(i => (i.Kind, i.VersionMarker)).Distinct());
        Assert.Equal("X account 1482680858 deleted (reason: protected)", items[0].Subject);
    }

    [Fact]
    public void ListObjectsAreFailedItemsThatSayTheyAreNotPosts()
    {
        var failures = Read("lists.jsonl").OfType<ParseFailure>().ToList();

        Assert.Equal([1, 1, 1, 1, 2, 2], failures.Select(f => f.Line ?? 0));
        Assert.All(failures, f => Assert.Contains("an X list object, not a post", f.Reason, StringComparison.Ordinal));
        Assert.Equal("1354802865349435396", failures[0].ItemId);
    }

    [Fact]
    public void AStreamRecordsTimeIsItsCreatedAtWhichAgreesWithItsSnowflakeId()
    {
        var first = Items("streaming_output_with_error.jsonl")[0];

        Assert.NotNull(first.SentAtText);
        Assert.Equal(first.SentAt, XRecords.Time(first.SentAtText));
        Assert.True(Math.Abs((first.SentAt - XSnowflake.TimeOf(first.SourceId)!.Value).TotalSeconds) < 1);
    }
}

/// <summary>The JSON-lines reader on hand-made input: blank lines, BOMs, bare tweets, oversize lines.</summary>
public sealed class XJsonlReaderTests
{
    private static List<ParsedEntry> Read(string text, string name = "export.jsonl") =>
        new XJsonlReader().Parse(new MemoryStream(Encoding.UTF8.GetBytes(text)), new FileParseContext("acct", name), CancellationToken.None).ToList();

    [Fact]
    public void BlankLinesAreSkippedAndABareTweetIsAnItem()
    {
        var entries = Read("\uFEFF\n\n{\"id\":\"1576994746135764992\",\"text\":\"hello\",\"author_id\":\"9\"}\r\n\n");

        var item = Assert.IsType<ParsedItem>(Assert.Single(entries)).Item;
        Assert.Equal(("1576994746135764992", "hello", "9"), (item.SourceId, item.BodyText, item.Sender.SourceId));
        // No created_at: the time comes from the snowflake id.
        Assert.Equal(DateTimeOffset.Parse("2022-10-03T17:57:01.281Z"), item.SentAt);
    }

    [Fact]
    public void AnApiErrorLineAndAnUnknownObjectAreFailedItemsAndAnEmptyPageIsNothing()
    {
        var entries = Read("""
            {"errors":[{"title":"Not Found Error","detail":"Could not find user with id: [1]."}]}
            {"meta":{"result_count":0}}
            {"hello":"world"}
            [1,2]
            """);

        var failures = entries.Cast<ParseFailure>().ToList();
        Assert.Equal([1, 3, 4], failures.Select(f => f.Line ?? 0));
        Assert.Contains("Could not find user", failures[0].Reason, StringComparison.Ordinal);
        Assert.Contains("not an X record", failures[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ALineOverTheLimitIsSkippedWithoutBeingBufferedAndTheNextLineIsRead()
    {
        var text = "short\n" + new string('x', 100) + "\n{\"a\":1}";

        var lines = JsonLines.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), 50, CancellationToken.None).ToList();

        Assert.Equal([(1, false), (2, true), (3, false)], lines.Select(l => (l.Number, l.TooLong)));
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(lines[2].Bytes));
    }

    [Fact]
    public void ATweetWithoutAUsableTimeIsAFailedItem()
    {
        var failure = Assert.IsType<ParseFailure>(Assert.Single(Read("{\"data\":[{\"id\":\"abc\",\"text\":\"x\"}]}")));

        Assert.Equal("abc", failure.ItemId);
        Assert.Contains("no usable created_at", failure.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tweets.jsonl", true)]
    [InlineData("compliance.JSON", true)]
    [InlineData("export.ndjson", true)]
    [InlineData("export.zip", false)]
    public void AcceptsJsonLinesFiles(string name, bool accepted) => Assert.Equal(accepted, new XJsonlReader().Accepts(name));
}

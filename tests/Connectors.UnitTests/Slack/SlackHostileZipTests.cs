using System.IO.Compression;
using System.Text;
using Connectors.Sources.Files;
using Connectors.Sources.Slack;
using static Connectors.Tests.SlackTestSupport;

namespace Connectors.Tests;

/// <summary>An export ZIP is untrusted: hostile archives are refused without extracting or throwing.</summary>
public sealed class SlackHostileZipTests
{
    private const string Day1 = "general/2016-01-01.json";
    private const string Day2 = "general/2016-01-02.json";
    private const string Day3 = "general/2016-01-03.json";

    private static readonly string TwoMessages = $"[{Message("1451606400.000100", "U1", "first")},\n{Message("1451606401.000200", "U2", "second")}]";

    private static List<ParsedEntry> Parse(Stream zip, SlackExportParser? parser = null) =>
        (parser ?? new SlackExportParser()).Parse(zip, Context(), CancellationToken.None).ToList();

    [Theory]
    [InlineData("../evil.json")]
    [InlineData("general/../../evil.json")]
    [InlineData("..\\evil.json")]
    [InlineData("general\\..\\..\\evil.json")]
    [InlineData("/etc/evil.json")]
    [InlineData("\\evil.json")]
    [InlineData("C:/evil.json")]
    public void AnEntryThatEscapesTheArchiveRefusesTheWholeArchive(string hostile)
    {
        using var zip = Zip(("users.json", Users), ("channels.json", Channels), (Day1, TwoMessages), (hostile, TwoMessages));

        var entries = Parse(zip);

        var failure = Assert.IsType<ParseFailure>(Assert.Single(entries));
        Assert.True(failure.StopsFile);
        Assert.Contains($"entry {hostile} escapes the archive", failure.Reason);
        Assert.Equal(hostile, failure.ItemId);
    }

    [Fact]
    public void AHighlyCompressibleEntryIsRefusedForItsRatioWhileTheOthersImport()
    {
        using var zip = Zip(archive =>
        {
            Write(archive, "users.json", Users);
            Write(archive, "channels.json", Channels);
            Write(archive, Day1, TwoMessages);
            using (var bomb = archive.CreateEntry(Day2, CompressionLevel.SmallestSize).Open())
            {
                var zeros = new byte[1024 * 1024];
                for (var i = 0; i < 50; i++)
                {
                    bomb.Write(zeros);
                }
            }
            Write(archive, Day3, $"[{Message("1451779200.000100", "U3", "third")}]");
        });

        var entries = Parse(zip);

        var failure = Assert.Single(entries.SlackFailures());
        Assert.Equal(Day2, failure.ItemId);
        Assert.False(failure.StopsFile);
        Assert.Contains("ZIP bomb", failure.Reason);
        Assert.Equal(["first", "second", "third"], entries.SlackItems().Select(i => i.BodyText));
    }

    [Fact]
    public void AnEntryOverTheSizeLimitIsRefusedByName()
    {
        var big = "[" + string.Join(",", Enumerable.Range(0, 50).Select(i => Message($"14516064{i:D2}.000100", "U1", "x"))) + "]";
        using var zip = Zip(("channels.json", Channels), (Day1, big), (Day2, TwoMessages));

        var entries = Parse(zip, new SlackExportParser(maxEntryBytes: 2000));

        var failure = Assert.Single(entries.SlackFailures());
        Assert.Equal(Day1, failure.ItemId);
        Assert.Contains("2000-byte limit", failure.Reason);
        Assert.Equal(2, entries.SlackItems().Count);
    }

    [Fact]
    public void BytesReallyReadAreCountedWhateverTheHeaderSays()
    {
        var json = Encoding.UTF8.GetBytes(TwoMessages);
        using var limited = new LimitedReadStream(new MemoryStream(json), 40, Day1);

        var entries = SlackMessageReader.Read(limited, Context(), CancellationToken.None, sourceName: Day1).ToList();

        var failure = Assert.IsType<ParseFailure>(Assert.Single(entries));
        Assert.Equal(Day1, failure.ItemId);
        Assert.Contains("decompressed to more than 40 bytes", failure.Reason);
    }

    [Fact]
    public void AnEntryWhoseHeaderUnderstatesItsSizeFailsAloneWithoutBeingReadPastIt()
    {
        // 8 MB of whitespace inside an array: valid JSON that deflates ~1000:1, with both headers patched to claim 100 bytes.
        var padded = "[" + new string(' ', 8 * 1024 * 1024) + "]";
        using var honest = Zip(("channels.json", Channels), (Day1, padded), (Day2, TwoMessages));
        var bytes = honest.ToArray();
        PatchUncompressedSize(bytes, Day1, 100);

        var entries = Parse(new MemoryStream(bytes));

        var failure = Assert.Single(entries.SlackFailures());
        // .NET stops the entry at its declared size (so the JSON breaks off); LimitedReadStream is the second line
        // that would stop it at the allowance (tested above) if the runtime trusted the stream instead.
        Assert.Contains("could not be read to the end", failure.Reason);
        Assert.Equal(Day1, failure.ItemId);
        Assert.False(failure.StopsFile);
        Assert.Equal(["first", "second"], entries.SlackItems().Select(i => i.BodyText));
    }

    [Fact]
    public void ATruncatedDayFileFailsForThatFileOnly()
    {
        var cut = TwoMessages[..(TwoMessages.IndexOf("second", StringComparison.Ordinal) + 3)];
        using var zip = Zip(("channels.json", Channels), (Day1, TwoMessages), (Day2, cut), (Day3, "this is not JSON"));

        var entries = Parse(zip);

        var failures = entries.SlackFailures();
        Assert.Equal([Day2, Day3], failures.Select(f => f.ItemId));
        Assert.All(failures, f => Assert.False(f.StopsFile));
        Assert.All(failures, f => Assert.Contains("could not be read to the end", f.Reason));
        // Day 2's first message was whole before the cut and stands.
        Assert.Equal(["first", "second", "first"], entries.SlackItems().Select(i => i.BodyText));
        Assert.Equal(2, failures[0].Line);
    }

    [Fact]
    public void ADayFileCutAnywhereNeverThrowsAndFailsAtMostOnce()
    {
        var bytes = Encoding.UTF8.GetBytes(TwoMessages);
        for (var length = 0; length < bytes.Length; length += 3)
        {
            var entries = SlackMessageReader.Read(new MemoryStream(bytes[..length]), Context(), CancellationToken.None).ToList();

            Assert.Single(entries.SlackFailures());
            Assert.True(entries.SlackItems().Count <= 2);
        }
    }

    [Fact]
    public void ANonSeekableStreamIsOneStoppingFailure()
    {
        using var zip = Zip((Day1, TwoMessages));

        var entries = Parse(new NonSeekableStream(zip));

        var failure = Assert.IsType<ParseFailure>(Assert.Single(entries));
        Assert.True(failure.StopsFile);
        Assert.Contains("cannot seek", failure.Reason);
    }

    [Fact]
    public void BytesThatAreNotAZipAreOneStoppingFailure()
    {
        var entries = Parse(new MemoryStream(Encoding.UTF8.GetBytes("PK but not really a zip file at all")));

        var failure = Assert.IsType<ParseFailure>(Assert.Single(entries));
        Assert.True(failure.StopsFile);
        Assert.Contains("not a readable ZIP", failure.Reason);
    }

    [Fact]
    public void TooManyEntriesRefuseTheArchive()
    {
        using var zip = Zip(("a/2016-01-01.json", "[]"), ("b/2016-01-01.json", "[]"), ("c/2016-01-01.json", "[]"));

        var entries = Parse(zip, new SlackExportParser(maxEntries: 2));

        var failure = Assert.IsType<ParseFailure>(Assert.Single(entries));
        Assert.True(failure.StopsFile);
        Assert.Contains("3 entries", failure.Reason);
    }

    [Fact]
    public void AMessageLargerThanTheCeilingStopsItsDayFileOnly()
    {
        var huge = $"[{Message("1451606400.000100", "U1", "small")},{Message("1451606401.000100", "U1", new string('x', 5000))}]";
        using var zip = Zip(("channels.json", Channels), (Day1, huge), (Day2, TwoMessages));

        var entries = Parse(zip, new SlackExportParser(maxMessageBytes: 2048));

        var failure = Assert.Single(entries.SlackFailures());
        Assert.Equal(Day1, failure.ItemId);
        Assert.Contains("larger than 2048 bytes", failure.Reason);
        Assert.Equal(["small", "first", "second"], entries.SlackItems().Select(i => i.BodyText));
    }

    [Fact]
    public void ABrokenUsersFileIsAFailureAndMessagesStillImportByUserId()
    {
        using var zip = Zip(("users.json", "[{\"id\":\"U1\",\"name\":\"ann\"},{\"id\":"), ("channels.json", Channels), (Day1, TwoMessages));

        var entries = Parse(zip);

        var failure = Assert.Single(entries.SlackFailures());
        Assert.Equal("users.json", failure.ItemId);
        var items = entries.SlackItems();
        Assert.Equal(2, items.Count);
        Assert.Equal("ann", items[0].Sender.Property("name"));
        Assert.Equal("U2", items[1].Sender.SourceId);
    }

    [Fact]
    public void CancellationIsTheOnlyException()
    {
        using var zip = Zip(("channels.json", Channels), (Day1, TwoMessages));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => new SlackExportParser().Parse(zip, Context(), cancelled.Token).ToList());
    }

    /// <summary>Overwrites the uncompressed size of an entry in its local header and its central directory record.</summary>
    private static void PatchUncompressedSize(byte[] zip, string entryName, uint size)
    {
        var name = Encoding.UTF8.GetBytes(entryName);
        var patched = 0;
        for (var i = 0; i + 46 < zip.Length; i++)
        {
            if (zip[i] != 0x50 || zip[i + 1] != 0x4B)
            {
                continue;
            }
            var (nameOffset, sizeOffset) = (zip[i + 2], zip[i + 3]) switch
            {
                (3, 4) => (30, 22),
                (1, 2) => (46, 24),
                _ => (0, 0),
            };
            var nameLength = BitConverter.ToUInt16(zip, i + (nameOffset == 30 ? 26 : 28));
            if (nameOffset == 0 || nameLength != name.Length || !zip.AsSpan(i + nameOffset, nameLength).SequenceEqual(name))
            {
                continue;
            }
            BitConverter.TryWriteBytes(zip.AsSpan(i + sizeOffset, 4), size);
            patched++;
        }
        Assert.Equal(2, patched);
    }

    private static void Write(ZipArchive archive, string name, string text)
    {
        using var stream = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
        stream.Write(Encoding.UTF8.GetBytes(text));
    }
}

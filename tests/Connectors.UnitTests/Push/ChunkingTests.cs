using System.Text;
using System.Text.Json;
using Connectors.Push;

namespace Connectors.Tests.Push;

public sealed class ChunkingTests
{
    private const string Header = "EmailAddress,ResignationDate,LastWorkingDate";

    [Fact]
    public void CsvChunksRepeatTheHeaderAndKeepQuotedLineBreaksInsideTheirRow()
    {
        var csv = Header + "\r\n"
            + "a@x.com,2026-01-01,2026-01-31\r\n"
            + "\"b@x.com\",\"2026-02-01\",\"note\r\nspanning \"\"two\"\" lines\"\r\n"
            + "c@x.com,2026-03-01,\"x,\ny\"\n"
            + "\r\n"
            + "d@x.com,2026-04-01,2026-04-30\r\n"
            + "e@x.com,2026-05-01,2026-05-31";

        var chunks = CsvChunker.Split(new StringReader("\uFEFF" + csv), 2).ToList();

        Assert.Equal([0, 1, 2], chunks.Select(c => c.Index));
        Assert.Equal([2, 2, 1], chunks.Select(c => c.Records));
        var texts = chunks.Select(c => Encoding.UTF8.GetString(c.Body)).ToList();
        Assert.All(chunks, c => Assert.False(c.Body.AsSpan().StartsWith("\uFEFF"u8)));
        Assert.All(texts, t => Assert.StartsWith(Header + "\r\n", t, StringComparison.Ordinal));
        Assert.Equal(
            Header + "\r\na@x.com,2026-01-01,2026-01-31\r\n\"b@x.com\",\"2026-02-01\",\"note\r\nspanning \"\"two\"\" lines\"\r\n",
            texts[0]);
        Assert.Equal(Header + "\r\nc@x.com,2026-03-01,\"x,\ny\"\r\nd@x.com,2026-04-01,2026-04-30\r\n", texts[1]);
        Assert.Equal(Header + "\r\ne@x.com,2026-05-01,2026-05-31\r\n", texts[2]);
    }

    [Fact]
    public void EveryCsvRowArrivesExactlyOnceAcrossChunks()
    {
        var rows = Enumerable.Range(1, 1234).Select(i => i % 7 == 0 ? $"u{i}@x.com,2026-01-01,\"multi\nline {i}\"" : $"u{i}@x.com,2026-01-01,2026-02-01").ToList();
        var csv = Header + "\n" + string.Join("\n", rows) + "\n";

        var chunks = CsvChunker.Split(new StringReader(csv), 100).ToList();

        Assert.Equal(13, chunks.Count);
        Assert.All(chunks, c => Assert.True(c.Records <= 100));
        var again = chunks.SelectMany(c => CsvChunker.Records(new StringReader(Encoding.UTF8.GetString(c.Body))).Skip(1)).ToList();
        Assert.Equal(rows, again);
    }

    [Fact]
    public void AnUnclosedQuoteIsAnErrorNamingItsLine()
    {
        var csv = Header + "\na@x.com,2026-01-01,2026-01-31\nb@x.com,\"2026-02-01,2026-02-28\nc@x.com,1,2\n";

        var e = Assert.Throws<FormatException>(() => CsvChunker.Split(new StringReader(csv), 10).ToList());

        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonChunksAreArraysOfTheOriginalElementsEvenWithABom()
    {
        var elements = new[]
        {
            """{"userId":"a@x.com","assetId":"B1","eventTime":"2026-01-01T08:00:00Z","accessStatus":"Success"}""",
            """{ "userId" : "b@x.com", "price": 1.50, "extra": { "nested": [1, 2, {"k": null}] }, "ünï": "€" }""",
            """{"userId":"c@x.com","big":12345678901234567890}""",
        };
        var json = "\uFEFF[\n  " + string.Join(",\n  ", elements) + "\n]\n";

        var chunks = JsonChunker.Split(Encoding.UTF8.GetBytes(json), 2);

        Assert.Equal([2, 1], chunks.Select(c => c.Records));
        Assert.Equal("[" + elements[0] + "," + elements[1] + "]", Encoding.UTF8.GetString(chunks[0].Body));
        Assert.Equal("[" + elements[2] + "]", Encoding.UTF8.GetString(chunks[1].Body));
        Assert.All(chunks, c => Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(c.Body).RootElement.ValueKind));
    }

    [Theory]
    [InlineData("""{"records":[]}""")]
    [InlineData("not json")]
    public void JsonThatIsNotAnArrayIsRefused(string json) =>
        Assert.Throws<FormatException>(() => JsonChunker.Split(Encoding.UTF8.GetBytes(json), 10));
}

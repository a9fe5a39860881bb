using System.Globalization;
using Connectors.Sources.Bloomberg;
using Connectors.Sources.Files;
using static Connectors.Tests.BloombergTestXml;

namespace Connectors.Tests;

/// <summary>Large files are streamed: the documents here are produced while they are read, or read from disk.</summary>
public sealed class BloombergLargeFileTests
{
    private const int Conversations = 500;
    private const int MessagesPerConversation = 100;

    private static IEnumerable<string> LargeChat()
    {
        yield return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><FileDump>";
        for (var c = 0; c < Conversations; c++)
        {
            yield return $"<Conversation><RoomID>ROOM-{c}</RoomID><StartTimeUTC>{T0}</StartTimeUTC>";
            for (var m = 0; m < MessagesPerConversation; m++)
            {
                yield return Message(m % 2 == 0 ? Alice : Eve, T0 + m / 3, $"message {m} in room {c}");
            }
            yield return "</Conversation>";
        }
        yield return "</FileDump>";
    }

    [Fact]
    public void FiftyThousandChatMessagesAreReadFromAStreamProducedAsItIsRead()
    {
        using var stream = new BloombergGeneratedStream(LargeChat());
        var count = 0;
        var failures = 0;
        var ids = new HashSet<string>();

        foreach (var entry in new InstantBloombergParser().Parse(stream, Context(), CancellationToken.None))
        {
            if (entry is ParsedItem item)
            {
                count++;
                ids.Add(item.Item.SourceId);
            }
            else
            {
                failures++;
            }
        }

        Assert.Equal(0, failures);
        Assert.Equal(Conversations * MessagesPerConversation, count);
        Assert.Equal(count, ids.Count);
        Assert.True(stream.BytesProduced > 20_000_000);
    }

    [Fact]
    public void FiftyThousandMailMessagesAreReadFromAFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"f123456.msg.261124.{Guid.NewGuid():N}.xml");
        try
        {
            using (var writer = new StreamWriter(path))
            {
                writer.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><FileDump>");
                for (var i = 0; i < 50_000; i++)
                {
                    writer.Write(string.Create(CultureInfo.InvariantCulture,
                        $"<Message><MsgID>M{i}</MsgID><MsgTimeUTC>{T0 + i}</MsgTimeUTC><Sender>{User("asmith", "Alice", "Smith", "1001", tag: "UserInfo")}</Sender>"
                        + $"<Recipient DeliveryType=\"TO\">{User("bjones", "Bob", "Jones", "1002", tag: "UserInfo")}</Recipient>"
                        + $"<Subject>s{i}</Subject><MsgBody>body {i}</MsgBody></Message>"));
                }
                writer.Write("</FileDump>");
            }

            using var file = File.OpenRead(path);
            var entries = new BloombergMessageParser().Parse(file, Context(MsgFileName), CancellationToken.None);

            var count = 0;
            string? last = null;
            foreach (var entry in entries)
            {
                var item = Assert.IsType<ParsedItem>(entry).Item;
                count++;
                last = item.SourceId;
            }
            Assert.Equal(50_000, count);
            Assert.Equal("M49999", last);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

using Connectors.Sources.Zoom;

namespace Connectors.Tests.Zoom;

/// <summary>The CHAT file of a cloud recording in the layouts Zoom has written it in.</summary>
public sealed class ZoomMeetingChatTests
{
    [Fact]
    public void TheChatFileLayoutsZoomHasUsedAreAllRead()
    {
        var (messages, problems) = ZoomMeetingChat.Parse(
            "\uFEFF00:00:10\tAlice Example:\tGood morning\r\n" +
            "00:00:20 From Bob Example to Everyone:\r\n" +
            "\tfirst line\r\n" +
            "\tsecond line\r\n" +
            "00:00:30 From Bob Example to Alice Example(Direct Message):\r\n" +
            "\tjust for you\r\n" +
            "00:00:40\t From  Carol Example : old layout: still read\r\n");

        Assert.Empty(problems);
        Assert.Equal(
            [
                ("00:00:10", "Alice Example", (string?)null, "Good morning"),
                ("00:00:20", "Bob Example", null, "first line\nsecond line"),
                ("00:00:30", "Bob Example", "Alice Example", "just for you"),
                ("00:00:40", "Carol Example", null, "old layout: still read"),
            ],
            messages.Select(m => (m.OffsetText, m.Sender, m.To, m.Text)));
        Assert.Equal(TimeSpan.FromSeconds(40), messages[^1].Offset);
        Assert.Equal("00:00:20 From Bob Example to Everyone:\n\tfirst line\n\tsecond line", messages[1].Raw);
    }

    [Fact]
    public void TextBeforeTheFirstMessageIsReportedWithItsLineNumber()
    {
        var (messages, problems) = ZoomMeetingChat.Parse("garbage header\n00:01:00\tDana Guest:\thello\n");

        var problem = Assert.Single(problems);
        Assert.Equal(1, problem.LineNumber);
        Assert.Equal("hello", Assert.Single(messages).Text);
    }
}

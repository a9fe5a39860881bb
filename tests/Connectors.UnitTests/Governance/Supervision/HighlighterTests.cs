using Connectors.Governance.Supervision;

namespace Connectors.Tests.Governance.Supervision;

public sealed class HighlighterTests
{
    private static readonly LexiconMatcher Matcher = new(BuiltInLexicons.All);

    [Theory]
    [InlineData("Guaranteed returns. Text me on WhatsApp, then delete this.")]
    [InlineData("nothing to see here")]
    [InlineData("delete this")]
    [InlineData("")]
    [InlineData("🙂 whatsapp🙂\r\n\r\nDon’t put this in writing")]
    public void SegmentsJoinBackToExactlyTheOriginalText(string text)
    {
        var segments = Highlighter.Segments(text, Matcher.Match(text));

        Assert.Equal(text, string.Concat(segments.Select(s => s.Text)));
        Assert.DoesNotContain(segments, s => s.Text.Length == 0 && text.Length > 0);
    }

    [Fact]
    public void HitsAreMarkedAndTheTextBetweenThemIsNot()
    {
        const string text = "ok, text me on WhatsApp later";

        var segments = Highlighter.Segments(text, Matcher.Match(text));

        Assert.Equal(
        [
            new HighlightSegment("ok, ", false, null),
            new HighlightSegment("text me", true, "text me"),
            new HighlightSegment(" on ", false, null),
            new HighlightSegment("WhatsApp", true, "whatsapp"),
            new HighlightSegment(" later", false, null),
        ], segments);
    }

    [Fact]
    public void OverlappingHitsBecomeOneMarkNamingEachTerm()
    {
        const string text = "Guaranteed returns!";

        var segments = Highlighter.Segments(text, Matcher.Match(text));

        Assert.Equal(
        [
            new HighlightSegment("Guaranteed returns", true, "guaranteed return*, guarantee*"),
            new HighlightSegment("!", false, null),
        ], segments);
    }

    [Fact]
    public void HitsFromTwoLexiconsOnTheSameWordsAreOneMark()
    {
        List<TermHit> hits = [new("A", "delete this", 0, 11), new("B", "delete this", 0, 11), new("B", "this", 7, 4)];

        var segments = Highlighter.Segments("delete this", hits);

        Assert.Equal([new HighlightSegment("delete this", true, "delete this, this")], segments);
    }

    [Fact]
    public void HitsOutsideTheTextAreClippedInsteadOfBreakingThePage()
    {
        List<TermHit> hits = [new("A", "x", 8, 50), new("A", "y", 100, 3), new("A", "z", -5, 7)];

        var segments = Highlighter.Segments("abc defgh", hits);

        Assert.Equal(
        [
            new HighlightSegment("ab", true, "z"),
            new HighlightSegment("c defg", false, null),
            new HighlightSegment("h", true, "x"),
        ], segments);
    }

    [Fact]
    public void ASnippetShowsTheFirstHitWithContextCutAtSpaces()
    {
        var text = "Quarterly numbers look fine and the desk had a quiet week overall. "
            + "Anyway, I can guarantee you a 20% return if you move quickly on this. "
            + "More on Monday when the figures are final and signed off.";

        var snippet = Highlighter.Snippet(text, Matcher.Match(text), context: 30);

        Assert.Equal("…week overall. Anyway, I can guarantee you a 20% return if you move…", snippet);
    }

    [Fact]
    public void ASnippetShowsLineBreaksAsSpacesAndHasNoEllipsisWhenNothingWasCut()
    {
        const string text = "hi\n\nplease   delete\nthis\n";

        Assert.Equal("hi please delete this", Highlighter.Snippet(text, Matcher.Match(text)));
    }

    [Fact]
    public void SnippetSegmentsMarkTheHitsInsideTheExcerpt()
    {
        const string text = "long preamble that will be cut away from the excerpt, and then: text me on whatsapp, bye";

        var segments = Highlighter.SnippetSegments(text, Matcher.Match(text), context: 14);

        Assert.Equal(
        [
            new HighlightSegment("…and then: ", false, null),
            new HighlightSegment("text me", true, "text me"),
            new HighlightSegment(" on ", false, null),
            new HighlightSegment("whatsapp", true, "whatsapp"),
            new HighlightSegment("…", false, null),
        ], segments);
    }

    [Fact]
    public void WithoutHitsTheSnippetIsTheStartOfTheText()
    {
        var text = string.Join(' ', Enumerable.Repeat("word", 100));

        var snippet = Highlighter.Snippet(text, [], context: 20);

        Assert.Equal(string.Join(' ', Enumerable.Repeat("word", 8)) + "…", snippet);
    }

    [Fact]
    public void ASnippetNeverSplitsAnEmojiOrACharacterOutsideTheBasicPlane()
    {
        var noise = string.Concat(Enumerable.Repeat("🙂 𝐁𝐮𝐲🙂🙂 ", 30));
        var text = noise + "whatsapp" + noise;
        var hits = Matcher.Match(text);

        for (var context = 0; context < 40; context++)
        {
            var snippet = Highlighter.Snippet(text, hits, context);

            Assert.Contains("whatsapp", snippet);
            Assert.True(IsWellFormed(snippet), $"context {context}: {snippet}");
        }
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }
        return true;
    }
}

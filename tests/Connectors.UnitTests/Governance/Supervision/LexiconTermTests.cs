using Connectors.Governance.Supervision;

namespace Connectors.Tests.Governance.Supervision;

public sealed class LexiconTermTests
{
    [Theory]
    [InlineData("guarantee", LexiconTermKind.Word, "guarantee")]
    [InlineData("  WhatsApp ", LexiconTermKind.Word, "whatsapp")]
    [InlineData("\"guarantee\"", LexiconTermKind.Word, "guarantee")]
    [InlineData("guarant*", LexiconTermKind.Stem, "guarant")]
    [InlineData("\"delete this\"", LexiconTermKind.Phrase, "delete this")]
    [InlineData("delete   this", LexiconTermKind.Phrase, "delete this")]
    [InlineData("“keep this between us”", LexiconTermKind.Phrase, "keep this between us")]
    [InlineData("risk-free", LexiconTermKind.Phrase, "risk free")]
    [InlineData("don’t put this in writing", LexiconTermKind.Phrase, "don t put this in writing")]
    [InlineData("move to whats*", LexiconTermKind.Phrase, "move to whats")]
    public void TermsAreParsedAsAnAdministratorTypesThem(string typed, LexiconTermKind kind, string words)
    {
        Assert.True(LexiconTerm.TryParse(typed, out var term, out var error), error);

        Assert.Equal(kind, term.Kind);
        Assert.Equal(words, string.Join(' ', term.Words));
    }

    [Fact]
    public void AStarOnTheLastWordOfAPhraseMakesOnlyThatWordAStem()
    {
        var term = LexiconTerm.Parse("move to whats*");

        Assert.False(term.IsStem(0));
        Assert.False(term.IsStem(1));
        Assert.True(term.IsStem(2));
    }

    [Fact]
    public void TheTermKeepsWhatWasTypedForDisplayWithoutQuotesOrExtraSpaces() =>
        Assert.Equal("Delete this", LexiconTerm.Parse("  \"Delete   this\" ").Text);

    [Theory]
    [InlineData("guarantee")]
    [InlineData("guarant*")]
    [InlineData("\"delete this\"")]
    [InlineData("risk-free")]
    [InlineData("move to whats*")]
    public void AStoredTermParsesBackToTheSameTerm(string typed)
    {
        var term = LexiconTerm.Parse(typed);

        Assert.Equal(term, LexiconTerm.Parse(term.Text));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("\"\"", "empty")]
    [InlineData("!!!", "no letters or digits")]
    [InlineData("--- ...", "no letters or digits")]
    [InlineData("*", "on its own")]
    [InlineData("\"*\"", "on its own")]
    [InlineData("gu*rantee", "can only end a word")]
    [InlineData("*guarantee", "can only end a word")]
    [InlineData("guarant *", "can only end a word")]
    [InlineData("guarant**", "can only end a word")]
    [InlineData("gu*", "at least 3 characters")]
    public void BadTermsAreRejectedWithAClearMessage(string typed, string message)
    {
        Assert.False(LexiconTerm.TryParse(typed, out var term, out var error));

        Assert.Null(term);
        Assert.Contains(message, error);
    }

    [Fact]
    public void TermsOverTwoHundredCharactersAreRejected()
    {
        Assert.True(LexiconTerm.TryParse(new string('a', 200), out _, out _));

        Assert.False(LexiconTerm.TryParse(new string('a', 201), out _, out var error));
        Assert.Contains("at most 200 characters", error);
    }

    [Fact]
    public void ParseIsForTermsInCodeAndThrowsOnABadOne() =>
        Assert.Throws<FormatException>(() => LexiconTerm.Parse("*"));

    [Fact]
    public void TermsTypedOnePerLineKeepTheGoodOnesAndNameTheBadLines()
    {
        var terms = LexiconTerm.ParseLines("guarantee\r\n\r\n!!!\nGuarantee\n\"delete this\"\r*", out var errors);

        Assert.Equal(["guarantee", "delete this"], terms.Select(t => t.Text));
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("Line 3:", errors[0]);
        Assert.StartsWith("Line 6:", errors[1]);
    }

    [Fact]
    public void TermsThatMatchTheSameTextAreEqual()
    {
        Assert.Equal(LexiconTerm.Parse("Risk-Free"), LexiconTerm.Parse("risk free"));
        Assert.NotEqual(LexiconTerm.Parse("guarantee"), LexiconTerm.Parse("guarantee*"));
    }
}

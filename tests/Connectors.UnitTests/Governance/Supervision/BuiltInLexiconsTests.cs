using Connectors.Governance.Supervision;

namespace Connectors.Tests.Governance.Supervision;

public sealed class BuiltInLexiconsTests
{
    private static readonly LexiconMatcher Matcher = new(BuiltInLexicons.All);

    [Theory]
    [InlineData("I can guarantee you a 20% return on this by year end", "Guarantees and assurances")]
    [InlineData("honestly this is a sure thing, you can't lose", "Guarantees and assurances")]
    [InlineData("It's basically risk free, zero risk to principal", "Guarantees and assurances")]
    [InlineData("I promise you this doubles", "Guarantees and assurances")]
    [InlineData("let's move this to WhatsApp", "Off-channel communication")]
    [InlineData("Text me when you land, easier than this", "Off-channel communication")]
    [InlineData("send it to my personal email instead", "Off-channel communication")]
    [InlineData("better to take this offline, call my cell", "Off-channel communication")]
    [InlineData("I'm on Signal, same number", "Off-channel communication")]
    [InlineData("delete this chat after you read it", "Evidence destruction and concealment")]
    [InlineData("Don’t put this in writing. Keep this between us.", "Evidence destruction and concealment")]
    [InlineData("this is off the record ok?", "Evidence destruction and concealment")]
    [InlineData("shredding the term sheets tonight", "Evidence destruction and concealment")]
    public void RealisticTraderMessagesAreFlaggedUnderTheRightLexicon(string message, string lexicon)
    {
        var hits = Matcher.Match(message);

        Assert.NotEmpty(hits);
        Assert.All(hits, h => Assert.Equal(lexicon, h.Lexicon));
    }

    [Theory]
    [InlineData("Buy signal on the 10y, adding 50mm at the open")]
    [InlineData("Put the Q3 review on the back burner until the audit is done")]
    [InlineData("My cell C12 in the model has a #REF error")]
    [InlineData("Risk limits were updated this morning; please confirm the new VaR numbers")]
    [InlineData("Delete the duplicate ticket 4411, it was booked twice")]
    [InlineData("Could you record this trade in the blotter and send the confirm?")]
    [InlineData("The client asked whether the note is principal protected; see the term sheet disclosures")]
    public void OrdinaryDeskTalkIsNotFlagged(string message) =>
        Assert.Empty(Matcher.Match(message));

    [Fact]
    public void AGuaranteeInAnInnocentSenseIsStillFlaggedBecauseTheStemCannotTellTheDifference() =>
        Assert.Equal("guarantee*", Assert.Single(Matcher.Match("the guarantee fund report is attached")).Term);

    [Fact]
    public void EachBuiltInLexiconHasAUsefulNumberOfDistinctTerms() =>
        Assert.All(BuiltInLexicons.All, l =>
        {
            Assert.InRange(l.Terms.Count, 10, 25);
            Assert.Equal(l.Terms.Count, l.Terms.Distinct().Count());
        });
}

using Connectors.Governance.Supervision;

namespace Connectors.Tests.Governance.Supervision;

public sealed class LexiconMatcherTests
{
    private static LexiconMatcher MatcherFor(params string[] terms) => new([Lexicon.Of("Test", terms)]);

    /// <summary>The exact text of every hit, in order.</summary>
    private static string[] Found(LexiconMatcher matcher, string text) =>
        [.. matcher.Match(text).Select(h => text.Substring(h.Offset, h.Length))];

    [Theory]
    [InlineData("I guarantee it", "guarantee")]
    [InlineData("GUARANTEE.", "GUARANTEE")]
    [InlineData("(guarantee)", "guarantee")]
    [InlineData("guarantee", "guarantee")]
    [InlineData("that's a Guarantee!", "Guarantee")]
    [InlineData("no guaranteed outcome", null)]
    [InlineData("unguarantee", null)]
    [InlineData("guarantee2", null)]
    [InlineData("guarantees", null)]
    public void AWordMatchesOnlyWholeWordsInAnyCase(string text, string? expected)
    {
        var found = Found(MatcherFor("guarantee"), text);

        Assert.Equal(expected is null ? [] : [expected], found);
    }

    [Theory]
    [InlineData("Guaranteed 20%", "Guaranteed")]
    [InlineData("we guarantee returns", "guarantee")]
    [InlineData("as guarantor", "guarantor")]
    [InlineData("guarant", "guarant")]
    [InlineData("unguaranteed", null)]
    [InlineData("guaran", null)]
    public void AStemMatchesAnyWordStartingWithItAndHighlightsTheWholeWord(string text, string? expected)
    {
        var found = Found(MatcherFor("guarant*"), text);

        Assert.Equal(expected is null ? [] : [expected], found);
    }

    [Theory]
    [InlineData("please delete this", "delete this")]
    [InlineData("Delete this!", "Delete this")]
    [InlineData("delete   this", "delete   this")]
    [InlineData("delete\r\nthis now", "delete\r\nthis")]
    [InlineData("DELETE... this", "DELETE... this")]
    [InlineData("delete thistle", null)]
    [InlineData("undelete this", null)]
    [InlineData("this delete", null)]
    [InlineData("delete all of this", null)]
    public void APhraseMatchesItsWordsInOrderWithAnySeparatorBetween(string text, string? expected)
    {
        var found = Found(MatcherFor("\"delete this\""), text);

        Assert.Equal(expected is null ? [] : [expected], found);
    }

    [Theory]
    [InlineData("can we move to WhatsApp?", "move to WhatsApp")]
    [InlineData("move to whats app", "move to whats")]
    [InlineData("move to what", null)]
    public void AStarOnThePhrasesLastWordMakesItAStem(string text, string? expected)
    {
        var found = Found(MatcherFor("move to whats*"), text);

        Assert.Equal(expected is null ? [] : [expected], found);
    }

    [Theory]
    [InlineData("don't put this in writing")]
    [InlineData("Don’t put this in writing")]
    [InlineData("donʼt put this in writing")]
    public void StraightAndCurlyApostrophesMatchEachOther(string text)
    {
        Assert.Equal([text], Found(MatcherFor("don't put this in writing"), text));
        Assert.Equal([text], Found(MatcherFor("don’t put this in writing"), text));
    }

    [Fact]
    public void HyphenatedTermsMatchWithOrWithoutTheHyphen()
    {
        var matcher = MatcherFor("risk-free");

        Assert.Equal(["risk-free", "Risk free", "risk–free"], Found(matcher, "a risk-free trade. Risk free! risk–free"));
    }

    [Fact]
    public void OffsetsPointAtTheExactTextAroundEmojiAndAccentedWords()
    {
        var text = "Réponse 🙂 garantie👍 à 100%, élève GARANTIE\u0301 garantie";
        var matcher = MatcherFor("garantie");

        var hits = matcher.Match(text);

        // "GARANTIÉ" written with a combining accent is another word, not "garantie".
        Assert.Equal([text.IndexOf("garantie👍", StringComparison.Ordinal), text.LastIndexOf("garantie", StringComparison.Ordinal)],
            hits.Select(h => h.Offset));
        Assert.All(hits, h => Assert.Equal("garantie", text.Substring(h.Offset, h.Length)));
    }

    [Fact]
    public void NonLatinWordsMatchCaseInsensitively()
    {
        var matcher = MatcherFor("гарантия", "Straße");

        Assert.Equal(["ГАРАНТИЯ", "STRAßE"], Found(matcher, "ГАРАНТИЯ доходности, STRAßE"));
    }

    [Fact]
    public void EveryOccurrenceIsReportedInTextOrder()
    {
        var hits = MatcherFor("wipe").Match("wipe it. WIPE it. wiped. Wipe");

        Assert.Equal([0, 9, 25], hits.Select(h => h.Offset));
    }

    [Fact]
    public void OverlappingHitsOfDifferentTermsAndLexiconsAreAllKept()
    {
        var matcher = new LexiconMatcher(
        [
            Lexicon.Of("Guarantees", "guarantee*", "guaranteed returns", "returns"),
            Lexicon.Of("Watch list", "guaranteed returns"),
        ]);
        const string text = "Guaranteed returns, honestly";

        var hits = matcher.Match(text);

        Assert.Equal(
        [
            new TermHit("Guarantees", "guaranteed returns", 0, 18),
            new TermHit("Watch list", "guaranteed returns", 0, 18),
            new TermHit("Guarantees", "guarantee*", 0, 10),
            new TermHit("Guarantees", "returns", 11, 7),
        ], hits);
    }

    [Fact]
    public void ATermRepeatedInALexiconGivesOneHit()
    {
        var lexicon = new Lexicon("Dupes", [LexiconTerm.Parse("WhatsApp"), LexiconTerm.Parse("whatsapp")]);
        var matcher = new LexiconMatcher([lexicon, lexicon]);

        Assert.Single(matcher.Match("ping me on whatsapp"));
        Assert.Equal(1, matcher.TermCount);
    }

    [Fact]
    public void APhraseCutOffByTheEndOfTheTextDoesNotMatch() =>
        Assert.Empty(MatcherFor("keep this between us").Match("let's keep this between"));

    [Fact]
    public void EmptyTextsAndEmptyLexiconsFindNothing()
    {
        Assert.Empty(MatcherFor("guarantee").Match(""));
        Assert.Empty(MatcherFor("guarantee").Match("   ...   "));
        Assert.Empty(new LexiconMatcher([]).Match("I guarantee it"));
    }

    [Fact]
    public void OneMatcherCanBeUsedFromManyThreads()
    {
        var matcher = new LexiconMatcher(BuiltInLexicons.All);
        var texts = Enumerable.Range(0, 200).Select(i => $"msg {i}: keep this between us and use my gmail {i}").ToArray();

        var counts = texts.AsParallel().Select(t => matcher.Match(t).Count).ToArray();

        Assert.All(counts, c => Assert.Equal(2, c));
    }
}

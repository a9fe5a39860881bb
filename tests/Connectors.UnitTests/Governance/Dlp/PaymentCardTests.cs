using Connectors.Governance.Dlp;
using static Connectors.Tests.Governance.Dlp.DlpTestSupport;

namespace Connectors.Tests.Governance.Dlp;

public sealed class PaymentCardTests
{
    private static readonly SensitiveInfoType Card = BuiltInSensitiveInfoTypes.CreditCard;

    [Theory]
    [InlineData("4111111111111111")]        // Visa
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111-1111-1111-1111")]
    [InlineData("5555555555554444")]        // Mastercard
    [InlineData("2223003122003222")]        // Mastercard 2-series
    [InlineData("3782 822463 10005")]       // American Express, 4-6-5
    [InlineData("6011111111111117")]        // Discover
    [InlineData("3056 930902 5904")]        // Diners Club, 4-6-4
    [InlineData("3530111333300000")]        // JCB
    [InlineData("6200000000000005")]        // UnionPay
    public void ValidCardNumbersAreFoundWhateverTheGrouping(string number) =>
        Assert.Equal([number], Values(Card, $"Paid with {number}, thanks."));

    [Theory]
    [InlineData("4111111111111112")]        // Luhn fails
    [InlineData("4111 1111 1111 1112")]
    [InlineData("1234567812345670")]        // Luhn passes, but no issuer uses prefix 1
    [InlineData("0000000000000000")]        // one digit repeated
    [InlineData("41111111111111")]          // 14 digits is not a Visa length
    [InlineData("4111 1111-1111 1111")]     // mixed separators
    [InlineData("4111  1111  1111  1111")]  // double spaces are not a grouping
    public void NumbersThatAreNotRealCardsAreIgnored(string text) =>
        Assert.Empty(Values(Card, $"Reference {text} attached."));

    [Theory]
    [InlineData("99994111111111111111")]    // a valid card inside a 20-digit number
    [InlineData("order 84111111111111111")]
    [InlineData("ID4111111111111111")]      // glued to letters
    [InlineData("4111111111111111X")]
    [InlineData("0.4111111111111111")]      // decimals
    [InlineData("9999-4111-1111-1111-1111")] // one dash-joined token, too long for a card
    public void CardNumbersEmbeddedInLongerRunsAreNotMatched(string text) =>
        Assert.Empty(Values(Card, text));

    [Fact]
    public void AnExpiryDateAfterTheNumberDoesNotHideIt() =>
        Assert.Equal(["4111 1111 1111 1111"], Values(Card, "card 4111 1111 1111 1111 12/27 cvv 123"));

    [Fact]
    public void AKeywordNearbyRaisesConfidenceFromMediumToHigh()
    {
        Assert.Equal(DlpConfidence.Medium, OnlyConfidence(Card, "Number: 4111111111111111"));
        Assert.Equal(DlpConfidence.High, OnlyConfidence(Card, "My Visa is 4111111111111111"));
        Assert.Equal(DlpConfidence.High, OnlyConfidence(Card, "4111111111111111 (CVV on the back)"));
    }

    [Fact]
    public void KeywordsMustBeWholeWords() =>
        // "discovery" and "cardinal" contain keywords but are not them.
        Assert.Equal(DlpConfidence.Medium, OnlyConfidence(Card, "Discovery cardinal 4111111111111111"));

    [Fact]
    public void SeveralCardsInOneTextAreEachCounted() =>
        Assert.Equal(
            ["4111111111111111", "5555 5555 5555 4444"],
            Values(Card, "first 4111111111111111, second 5555 5555 5555 4444, bad 4111111111111112"));
}

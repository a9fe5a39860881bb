using Connectors.Governance.Dlp;
using static Connectors.Tests.Governance.Dlp.DlpTestSupport;

namespace Connectors.Tests.Governance.Dlp;

public sealed class BankIdentifierTests
{
    private static readonly SensitiveInfoType Iban = BuiltInSensitiveInfoTypes.Iban;
    private static readonly SensitiveInfoType Aba = BuiltInSensitiveInfoTypes.AbaRouting;
    private static readonly SensitiveInfoType Bic = BuiltInSensitiveInfoTypes.SwiftBic;

    [Theory]
    [InlineData("GB82 WEST 1234 5698 7654 32")]
    [InlineData("GB82WEST12345698765432")]
    [InlineData("DE89 3704 0044 0532 0130 00")]
    [InlineData("FR14 2004 1010 0505 0001 3M02 606")]
    [InlineData("NL91 ABNA 0417 1643 00")]
    [InlineData("CH93 0076 2011 6238 5295 7")]
    [InlineData("NO93 8601 1117 947")]
    [InlineData("BE68 5390 0754 7034")]
    [InlineData("IT60 X054 2811 1010 0000 0123 456")]
    [InlineData("es9121000418450200051332")]
    public void ValidIbansAreFound(string iban) =>
        Assert.Equal([iban], Values(Iban, $"Please pay into {iban}. Thanks"));

    [Theory]
    [InlineData("GB83 WEST 1234 5698 7654 32")] // wrong check digits
    [InlineData("GB82 WEST 1234 5698 7654 33")] // a typo in the account number
    [InlineData("GB82 WEST 1234 5698 7654 3")]  // too short for the UK
    [InlineData("GB82 WEST 1234 5698 7654 321")] // too long for the UK
    [InlineData("DE89 3704 0044 0532 0130")]
    [InlineData("GB82 WEST12 34 5698 7654 32")] // not grouped in fours
    [InlineData("XX82 WEST 1234 5698 7654 32")] // no such country
    [InlineData("US82 WEST 1234 5698 7654 32")] // a country without IBANs
    public void InvalidIbansAreRejected(string text) =>
        Assert.Empty(Values(Iban, $"Account {text} here"));

    [Fact]
    public void AnIbanGluedToAWordIsNotMatched() =>
        Assert.Empty(Values(Iban, "XGB82WEST12345698765432"));

    [Fact]
    public void AnIbanKeywordRaisesConfidence()
    {
        Assert.Equal(DlpConfidence.Medium, OnlyConfidence(Iban, "GB82 WEST 1234 5698 7654 32"));
        Assert.Equal(DlpConfidence.High, OnlyConfidence(Iban, "IBAN: GB82 WEST 1234 5698 7654 32"));
    }

    [Theory]
    [InlineData("011000015")]
    [InlineData("021000021")]
    [InlineData("121000358")]
    [InlineData("322271627")]
    [InlineData("800000006")] // 80 is the traveller's cheque symbol
    public void ValidRoutingNumbersAreFound(string number) =>
        Assert.Equal([number], Values(Aba, $"routing {number}"));

    [Theory]
    [InlineData("011000016")]  // checksum fails
    [InlineData("130000006")]  // checksum holds but 13 is not a Federal Reserve routing symbol
    [InlineData("0110000150")] // ten digits
    [InlineData("011000015-1")]
    [InlineData("011-000-015")]
    public void RoutingNumbersNeedAValidPrefixAndChecksumAndToStandAlone(string text) =>
        Assert.Empty(Values(Aba, $"routing {text} end"));

    [Fact]
    public void ABareRoutingNumberIsLowUntilAKeywordIsNear()
    {
        Assert.Equal(DlpConfidence.Low, OnlyConfidence(Aba, "Ticket 011000015 closed"));
        Assert.Equal(DlpConfidence.Medium, OnlyConfidence(Aba, "ABA 011000015"));
    }

    [Theory]
    [InlineData("DEUTDEFF")]
    [InlineData("DEUTDEFF500")]
    [InlineData("NWBKGB2L")]
    [InlineData("CHASUS33XXX")]
    public void ValidBicsAreFound(string bic) =>
        Assert.Equal([bic], Values(Bic, $"Send to {bic}, please"));

    [Theory]
    [InlineData("deutdeff")]     // lower case: an ordinary word more likely than a BIC
    [InlineData("Deutdeff")]
    [InlineData("DEUTXXFF")]     // XX is not a country
    [InlineData("DEUTDEFF5")]    // 9 characters
    [InlineData("DEUTDEFF50")]   // 10 characters
    [InlineData("DEU1DEFF")]     // digits in the bank code
    [InlineData("XDEUTDEFF500")] // part of a longer word
    [InlineData("DEUTDEFF_1")]
    public void InvalidBicsAreRejected(string text) =>
        Assert.Empty(Values(Bic, $"Send to {text}, please"));

    [Fact]
    public void ABicIsLowUntilAKeywordIsNear()
    {
        // Any eight upper-case letters can look like a BIC, so without a keyword it stays Low.
        Assert.Equal(DlpConfidence.Low, OnlyConfidence(Bic, "BUSINESS as usual"));
        Assert.Equal(DlpConfidence.Medium, OnlyConfidence(Bic, "SWIFT code: DEUTDEFF"));
    }
}

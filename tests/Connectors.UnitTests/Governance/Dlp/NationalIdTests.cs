using Connectors.Governance.Dlp;
using static Connectors.Tests.Governance.Dlp.DlpTestSupport;

namespace Connectors.Tests.Governance.Dlp;

public sealed class NationalIdTests
{
    private static readonly SensitiveInfoType Ssn = BuiltInSensitiveInfoTypes.UsSsn;
    private static readonly SensitiveInfoType Nino = BuiltInSensitiveInfoTypes.UkNino;

    [Theory]
    [InlineData("536-22-8761")]
    [InlineData("536 22 8761")]
    [InlineData("536228761")]
    [InlineData("899-99-9999")]
    public void ValidSsnsAreFound(string ssn) =>
        Assert.Equal([ssn], Values(Ssn, $"Employee {ssn} onboarded"));

    [Theory]
    [InlineData("000-12-3456")]  // area 000
    [InlineData("666-12-3456")]  // area 666
    [InlineData("900-12-3456")]  // areas 900-999
    [InlineData("987-65-4321")]
    [InlineData("536-00-8761")]  // group 00
    [InlineData("536-22-0000")]  // serial 0000
    [InlineData("078-05-1120")]  // the Woolworth wallet card
    [InlineData("219-09-9999")]  // printed in advertising
    [InlineData("123-45-6789")]  // the textbook example
    [InlineData("000123456")]
    public void NumbersNeverIssuedAreRejected(string ssn) =>
        Assert.Empty(Values(Ssn, $"SSN: {ssn}"));

    [Theory]
    [InlineData("536-22-87610")]
    [InlineData("1-536-22-8761")]
    [InlineData("5362287610")]
    [InlineData("A536228761")]
    [InlineData("536-22 8761")]
    public void SsnsInsideLongerNumbersAreNotMatched(string text) =>
        Assert.Empty(Values(Ssn, $"ref {text} end"));

    [Fact]
    public void BareNineDigitNumbersAreLowUnlessAKeywordIsNear()
    {
        Assert.Equal(DlpConfidence.Low, OnlyConfidence(Ssn, "Invoice 536228761"));
        Assert.Equal(DlpConfidence.Medium, OnlyConfidence(Ssn, "SSN 536228761"));
        Assert.Equal(DlpConfidence.Medium, OnlyConfidence(Ssn, "Invoice 536-22-8761"));
        Assert.Equal(DlpConfidence.High, OnlyConfidence(Ssn, "Social Security Number: 536-22-8761"));
    }

    [Fact]
    public void AKeywordOutsideTheWindowDoesNotCount()
    {
        var farAway = "SSN" + new string(' ', 400) + "536-22-8761";
        var justInside = "SSN" + new string(' ', 299) + "536-22-8761";

        Assert.Equal(DlpConfidence.Medium, OnlyConfidence(Ssn, farAway));
        Assert.Equal(DlpConfidence.High, OnlyConfidence(Ssn, justInside));
        Assert.Equal(DlpConfidence.High, OnlyConfidence(Ssn, "536-22-8761" + new string('.', 299) + " ssn"));
    }

    [Theory]
    [InlineData("AB123456C")]
    [InlineData("AB 12 34 56 C")]
    [InlineData("AB 123456 D")]
    [InlineData("JG103759A")]
    public void ValidNationalInsuranceNumbersAreFound(string nino) =>
        Assert.Equal([nino], Values(Nino, $"NI: {nino}."));

    [Theory]
    [InlineData("DA123456A")]  // D, F, I, Q, U, V never start a prefix
    [InlineData("FA123456A")]
    [InlineData("IA123456A")]
    [InlineData("QA123456A")]
    [InlineData("UA123456A")]
    [InlineData("VA123456A")]
    [InlineData("AO123456A")]  // O is never second
    [InlineData("AD123456A")]
    [InlineData("BG123456A")]  // prefixes that are never issued
    [InlineData("GB123456A")]
    [InlineData("KN123456A")]
    [InlineData("NK123456A")]
    [InlineData("NT123456A")]
    [InlineData("TN123456A")]
    [InlineData("ZZ123456A")]
    [InlineData("AB1234567C")] // seven digits
    [InlineData("XAB123456C")] // part of a longer word
    [InlineData("ab123456c")]  // lower case
    public void InvalidNationalInsuranceNumbersAreRejected(string text) =>
        Assert.Empty(Values(Nino, $"NI: {text}."));

    [Fact]
    public void ASuffixLetterMakesANationalInsuranceNumberMoreCertain()
    {
        Assert.Equal(DlpConfidence.Medium, OnlyConfidence(Nino, "AB123456C"));
        Assert.Equal(DlpConfidence.Low, OnlyConfidence(Nino, "AB123456"));
        Assert.Equal(DlpConfidence.Medium, OnlyConfidence(Nino, "NI number AB123456"));
        Assert.Equal(DlpConfidence.High, OnlyConfidence(Nino, "National Insurance: AB 12 34 56 C"));
    }

    [Fact]
    public void ALetterAfterTheDigitsThatStartsAWordIsNotTheSuffix() =>
        Assert.Equal(["AB123456"], Values(Nino, "AB123456 Cambridge"));
}

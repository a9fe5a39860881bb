using Connectors.Governance.Dlp;
using static Connectors.Tests.Governance.Dlp.DlpTestSupport;

namespace Connectors.Tests.Governance.Dlp;

public sealed class ContactDetailTests
{
    private static readonly SensitiveInfoType Email = BuiltInSensitiveInfoTypes.Email;
    private static readonly SensitiveInfoType Phone = BuiltInSensitiveInfoTypes.Phone;

    [Theory]
    [InlineData("jane.doe@example.com")]
    [InlineData("j.o'neil+news@mail.example.co.uk")]
    [InlineData("X@EXAMPLE.ORG")]
    public void EmailAddressesAreFoundWithMediumConfidence(string email)
    {
        var match = Assert.Single(Matches(Email, $"Write to {email}."));
        Assert.Equal(email, match.Value);
        Assert.Equal(DlpConfidence.Medium, match.Confidence);
    }

    [Theory]
    [InlineData("jane@localhost")]        // no top-level domain
    [InlineData("jane..doe@example.com")] // doubled dot
    [InlineData("jane@-example.com")]
    [InlineData("jane@example.c0m")]
    [InlineData("@example.com")]
    [InlineData("jane@")]
    public void MalformedAddressesAreRejected(string text) =>
        Assert.Empty(Values(Email, $"Write to {text} now"));

    [Fact]
    public void SeveralAddressesAreFoundInOrder() =>
        Assert.Equal(
            ["a@example.com", "b.c@example.org"],
            Values(Email, "cc: a@example.com; b.c@example.org (and .d@x)"));

    [Theory]
    [InlineData("+44 7700 900123")]
    [InlineData("+1 415 555 2671")]
    [InlineData("+14155552671")]
    [InlineData("+33 1 42 68 53 00")]
    [InlineData("+44 (0)20 7946 0958")]
    [InlineData("(212) 555-0100")]
    [InlineData("212-555-0100")]
    [InlineData("212.555.0100")]
    [InlineData("07700 900123")]
    public void PhoneNumbersAreFound(string number) =>
        Assert.Equal([number], Values(Phone, $"Reach me on {number} today"));

    [Theory]
    [InlineData("(012) 555-0100")]   // area codes never start with 0 or 1
    [InlineData("112-555-0100")]
    [InlineData("212-055-0100")]     // nor do exchanges
    [InlineData("211-555-0100")]     // N11 codes are services, not areas
    [InlineData("+1 212 155 0100")]
    [InlineData("+123456")]          // too short for E.164
    [InlineData("212-555.0100")]     // mixed separators
    [InlineData("1212-555-0100")]    // longer number
    [InlineData("212-555-01000")]
    public void ThingsThatOnlyLookLikePhoneNumbersAreRejected(string text) =>
        Assert.Empty(Values(Phone, $"Ref {text} end"));

    [Fact]
    public void APhoneKeywordRaisesConfidence()
    {
        Assert.Equal(DlpConfidence.Low, OnlyConfidence(Phone, "Ref (212) 555-0100"));
        Assert.Equal(DlpConfidence.Medium, OnlyConfidence(Phone, "Call me at (212) 555-0100"));
        Assert.Equal(DlpConfidence.Medium, OnlyConfidence(Phone, "Mobile: 07700 900123"));
    }
}

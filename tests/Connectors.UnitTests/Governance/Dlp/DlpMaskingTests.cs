using Connectors.Governance.Dlp;

namespace Connectors.Tests.Governance.Dlp;

public sealed class DlpMaskingTests
{
    [Theory]
    [InlineData("4111 1111 1111 1111", "**** **** **** 1111")]
    [InlineData("4111-1111-1111-1111", "****-****-****-1111")]
    [InlineData("4111111111111111", "************1111")]
    [InlineData("123-45-6789", "***-**-6789")]
    [InlineData("GB82 WEST 1234 5698 7654 32", "**** **** **** **** **54 32")]
    [InlineData("AB 12 34 56 C", "** ** *4 56 C")]
    [InlineData("DEUTDEFF500", "*******F500")]
    [InlineData("jane.doe@example.com", "j***@example.com")]
    [InlineData("j@example.com", "***@example.com")]
    [InlineData("1234", "****")]
    [InlineData("12-4", "****")]
    [InlineData("", "")]
    public void MaskingShowsOnlyTheLastFewCharacters(string value, string masked) =>
        Assert.Equal(masked, DlpMasking.Mask(value));

    [Theory]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("GB82 WEST 1234 5698 7654 32")]
    [InlineData("PRJ-123456")]
    [InlineData("12345")]
    [InlineData("AB-12")]
    [InlineData("Ünïcödé-Wörd-1234")]
    public void MaskingNeverRevealsMoreThanTheLastFourLettersOrDigits(string value)
    {
        var masked = DlpMasking.Mask(value);

        Assert.Equal(value.Length, masked.Length);
        var revealed = masked.Where(char.IsLetterOrDigit).ToArray();
        Assert.True(revealed.Length <= 4, masked);
        Assert.True(revealed.Length <= value.Count(char.IsLetterOrDigit) / 2, masked);
        Assert.EndsWith(new string(revealed), new string(value.Where(char.IsLetterOrDigit).ToArray()));
    }

    [Fact]
    public void ScanResultsCarryOnlyMaskedValues()
    {
        const string text = "card 4111 1111 1111 1111, ssn 536-22-8761, mail jane.doe@example.com";

        var findings = DlpScanner.Scan([DlpSection.Body(text)], BuiltInSensitiveInfoTypes.All);

        var masked = findings.SelectMany(f => f.Locations).Select(l => l.MaskedValue).ToList();
        Assert.Contains("**** **** **** 1111", masked);
        Assert.Contains("***-**-8761", masked);
        Assert.Contains("j***@example.com", masked);
        var everything = string.Join(" ", findings.Select(f => f.ToString())) + string.Join(" ", masked);
        Assert.DoesNotContain("4111 1111 1111", everything);
        Assert.DoesNotContain("536-22", everything);
        Assert.DoesNotContain("jane.doe", everything);
    }
}

using System.Diagnostics;
using Connectors.Governance.Dlp;

namespace Connectors.Tests.Governance.Dlp;

public sealed class DlpScannerTests
{
    [Fact]
    public void FindingsCountMatchesAndRecordWhereTheyAreAcrossSections()
    {
        const string body = "Card 4111111111111111 and backup 5555555555554444.";
        IReadOnlyList<DlpSection> sections =
        [
            DlpSection.Subject("Payment details"),
            DlpSection.Body(body),
            DlpSection.Attachment("statement.pdf", "Card on file: 4111 1111 1111 1111"),
        ];

        var finding = Assert.Single(DlpScanner.Scan(sections, [BuiltInSensitiveInfoTypes.CreditCard]));

        Assert.Equal("credit-card", finding.TypeId);
        Assert.Equal(3, finding.Count);
        Assert.Equal(DlpConfidence.High, finding.Confidence);
        Assert.Collection(
            finding.Locations,
            l => Assert.Equal(("body", 5, 16, "************1111"), (l.Location, l.Offset, l.Length, l.MaskedValue)),
            l => Assert.Equal(("body", body.IndexOf("5555", StringComparison.Ordinal), 16), (l.Location, l.Offset, l.Length)),
            l => Assert.Equal(("attachment:statement.pdf", 14, 19), (l.Location, l.Offset, l.Length)));
    }

    [Fact]
    public void KeywordsOnlyCountInTheirOwnSection()
    {
        var finding = Assert.Single(DlpScanner.Scan(
            [DlpSection.Subject("SSN inside"), DlpSection.Body("Number 536-22-8761")],
            [BuiltInSensitiveInfoTypes.UsSsn]));

        Assert.Equal(DlpConfidence.Medium, finding.Confidence);
    }

    [Fact]
    public void OnlyTypesThatMatchProduceFindingsInTheOrderAsked()
    {
        var findings = DlpScanner.Scan(
            [DlpSection.Body("Mail jane@example.com, IBAN GB82 WEST 1234 5698 7654 32, nothing else.")],
            BuiltInSensitiveInfoTypes.All);

        Assert.Equal(["iban", "email"], findings.Select(f => f.TypeId));
    }

    [Fact]
    public void OverlappingCandidatesOfOneTypeCountOnce()
    {
        // "PRJ-1234" and "RJ-1234" overlap; "1234-1234" overlaps the first too.
        var type = SensitiveInfoType.Custom("Overlap", "[a-z]*-?[0-9]{4}");

        var finding = Assert.Single(DlpScanner.Scan([DlpSection.Body("x PRJ-1234 y")], [type]));

        Assert.Equal(1, finding.Count);
        Assert.Equal(2, finding.Locations[0].Offset);
    }

    [Fact]
    public void ASameValueRepeatedCountsEachTime()
    {
        var finding = Assert.Single(DlpScanner.Scan(
            [DlpSection.Body("4111111111111111 4111111111111111 4111111111111111")],
            [BuiltInSensitiveInfoTypes.CreditCard]));

        Assert.Equal(3, finding.Count);
    }

    [Fact]
    public void AFindingBelowThePolicysMinimumConfidenceDoesNotMeetIt()
    {
        // Two bare 9-digit numbers: valid SSNs in form, but only Low confidence without a keyword.
        var finding = Assert.Single(DlpScanner.Scan(
            [DlpSection.Body("Orders 536228761 and 536228762")], [BuiltInSensitiveInfoTypes.UsSsn]));

        Assert.Equal(2, finding.Count);
        Assert.Equal(DlpConfidence.Low, finding.Confidence);
        Assert.True(finding.Meets(2, DlpConfidence.Low));
        Assert.False(finding.Meets(1, DlpConfidence.Medium));
        Assert.False(finding.Meets(3, DlpConfidence.Low));
    }

    [Fact]
    public void OnlyMatchesAtOrAboveTheConfidenceCountTowardsTheMinimum()
    {
        // One SSN near a keyword (High), one far from it (Medium).
        var text = "SSN 536-22-8761" + new string(' ', 500) + "536-22-8762";
        var finding = Assert.Single(DlpScanner.Scan([DlpSection.Body(text)], [BuiltInSensitiveInfoTypes.UsSsn]));

        Assert.Equal((1, 1, 0), (finding.HighCount, finding.MediumCount, finding.LowCount));
        Assert.True(finding.Meets(1, DlpConfidence.High));
        Assert.False(finding.Meets(2, DlpConfidence.High));
        Assert.True(finding.Meets(2, DlpConfidence.Medium));
        Assert.True(finding.Meets(0, DlpConfidence.High)); // a rule asking for zero still needs one match
    }

    [Fact]
    public void CountsStayCompleteWhenLocationsAreCapped()
    {
        var text = string.Join(" ", Enumerable.Repeat("4111111111111111", 10));

        var finding = Assert.Single(DlpScanner.Scan([DlpSection.Body(text)], [BuiltInSensitiveInfoTypes.CreditCard], 3));

        Assert.Equal(10, finding.Count);
        Assert.Equal(3, finding.Locations.Count);
    }

    [Fact]
    public void EveryBuiltInTypeIsListedAndFoundById()
    {
        Assert.Equal(
            ["credit-card", "us-ssn", "iban", "aba-routing", "swift-bic", "uk-nino", "email", "phone"],
            BuiltInSensitiveInfoTypes.All.Select(t => t.Id));
        Assert.Same(BuiltInSensitiveInfoTypes.Iban, BuiltInSensitiveInfoTypes.Find("IBAN"));
        Assert.Null(BuiltInSensitiveInfoTypes.Find("custom:nothing"));
    }

    [Fact]
    public void AMessageWithNothingSensitiveProducesNoFindings() =>
        Assert.Empty(DlpScanner.Scan(
            [DlpSection.Body("Meeting moved to 3 pm on 2026-05-14; room 4B, budget 12,500.00 USD. See you at the AGM.")],
            BuiltInSensitiveInfoTypes.All));

    [Theory]
    [InlineData("4111 ")]     // endless card-like groups
    [InlineData("1 ")]
    [InlineData("12-")]
    [InlineData("a.b@")]      // endless half addresses
    [InlineData("+1 2")]
    [InlineData("GB82 ")]
    [InlineData("DEUTDEFF ")]
    public void AHostileMegabyteAttachmentIsScannedInLinearTime(string unit)
    {
        var text = string.Concat(Enumerable.Repeat(unit, 1_000_000 / unit.Length));

        var watch = Stopwatch.StartNew();
        DlpScanner.Scan([DlpSection.Attachment("hostile.txt", text)], BuiltInSensitiveInfoTypes.All);

        // Linear scans take well under a second; anything quadratic would take minutes.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }
}

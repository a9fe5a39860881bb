using Connectors.InsiderRisk;
using static Connectors.Tests.InsiderRisk.InsiderRiskScenario;

namespace Connectors.Tests.InsiderRisk;

public sealed class SignalRuleTests
{
    private static readonly DateTimeOffset Burst = At("2024-05-03T14:02:00");

    [Fact]
    public void FiveFailedAttemptsWithinNineMinutesAreAMediumBurst()
    {
        var finding = Assert.Single(new InsiderRiskScenario()
            .FailedAttempts(Burst, 5, TimeSpan.FromMinutes(2.25))
            .Evaluate());

        Assert.Equal(RiskPolicies.FailedBadgeBurst, finding.Policy);
        Assert.Equal(RiskSeverity.Medium, finding.Severity);
        Assert.Equal(Burst, finding.WindowStart);
        Assert.Equal(Burst.AddMinutes(9), finding.WindowEnd);
        Assert.Equal(5, finding.Contributions.Count);
        Assert.All(finding.Contributions, c => Assert.Equal(RiskContributionKinds.FailedBadge, c.Kind));
        Assert.Equal("5 failed badge attempts within 9 minutes from Fri 2024-05-03 14:02 UTC at Server room (door-7).", finding.Summary);
    }

    [Fact]
    public void FourFailedAttemptsAreNotABurst() =>
        Assert.Empty(new InsiderRiskScenario().FailedAttempts(Burst, 4, TimeSpan.FromMinutes(1)).Evaluate());

    [Fact]
    public void FiveFailedAttemptsSpreadOverTwentyMinutesAreNotABurst() =>
        Assert.Empty(new InsiderRiskScenario().FailedAttempts(Burst, 5, TimeSpan.FromMinutes(5)).Evaluate());

    [Fact]
    public void SuccessfulEntriesDoNotCountTowardsABurst()
    {
        var scenario = new InsiderRiskScenario().FailedAttempts(Burst, 4, TimeSpan.FromMinutes(1));
        scenario.Badge(Burst.AddMinutes(5), succeeded: true);

        Assert.Empty(scenario.Evaluate());
    }

    [Fact]
    public void TenOrMoreFailedAttemptsAreAHighBurstReportedOnce()
    {
        var finding = Assert.Single(new InsiderRiskScenario()
            .FailedAttempts(Burst, 12, TimeSpan.FromMinutes(3)) // 33 minutes of attempts, every 10-minute stretch has 4
            .FailedAttempts(Burst.AddHours(2), 10, TimeSpan.FromSeconds(30))
            .Evaluate());

        Assert.Equal(RiskSeverity.High, finding.Severity);
        Assert.Equal(10, finding.Contributions.Count);
        Assert.Equal(Burst.AddHours(2), finding.WindowStart);
    }

    [Fact]
    public void SeparateBurstsAreSeparateAlertsWithTheirOwnKeys()
    {
        var findings = new InsiderRiskScenario()
            .FailedAttempts(Burst, 5, TimeSpan.FromMinutes(1))
            .FailedAttempts(Burst.AddHours(3), 6, TimeSpan.FromMinutes(1))
            .Evaluate();

        Assert.Equal(2, findings.Count);
        Assert.Equal([5, 6], findings.Select(f => f.Contributions.Count));
        Assert.NotEqual(findings[0].Key, findings[1].Key);
    }

    [Fact]
    public void OverlappingQualifyingStretchesMergeIntoOneBurst()
    {
        // 8 attempts one every 4 minutes: no single 10-minute stretch has 5, so no burst...
        Assert.Empty(new InsiderRiskScenario().FailedAttempts(Burst, 8, TimeSpan.FromMinutes(4)).Evaluate());

        // ...but 8 attempts one every 2 minutes keep qualifying, and are one burst of 8.
        var finding = Assert.Single(new InsiderRiskScenario().FailedAttempts(Burst, 8, TimeSpan.FromMinutes(2)).Evaluate());
        Assert.Equal(8, finding.Contributions.Count);
        Assert.Equal(Burst.AddMinutes(14), finding.WindowEnd);
    }

    [Fact]
    public void TheBurstThresholdIsConfigurable()
    {
        var settings = InsiderRiskSettings.Default with { FailedBurst = new FailedBurstSettings { Attempts = 3, Within = TimeSpan.FromMinutes(2) } };

        Assert.Single(new InsiderRiskScenario().FailedAttempts(Burst, 3, TimeSpan.FromMinutes(1)).Evaluate(settings));
        Assert.Empty(new InsiderRiskScenario().FailedAttempts(Burst, 3, TimeSpan.FromMinutes(1.5)).Evaluate(settings));
    }

    [Theory]
    [InlineData("2024-05-04T12:00:00", true)]  // Saturday noon
    [InlineData("2024-05-05T10:00:00", true)]  // Sunday morning
    [InlineData("2024-05-06T10:00:00", false)] // Monday morning
    [InlineData("2024-05-06T06:59:00", true)]
    [InlineData("2024-05-06T07:00:00", false)]
    [InlineData("2024-05-06T20:00:00", true)]
    public void WeekendsAndTheEdgesOfTheWorkingDayAreClassified(string utc, bool afterHours)
    {
        var findings = new InsiderRiskScenario().Resigned(May1).Badge(At(utc)).Evaluate();

        Assert.Equal(afterHours ? 1 : 0, findings.Count);
    }

    [Fact]
    public void WeekendsCanBeTreatedAsWorkingDays()
    {
        var settings = InsiderRiskSettings.Default with { AfterHours = new AfterHoursSettings { WeekendsAreAfterHours = false } };

        Assert.Empty(new InsiderRiskScenario().Resigned(May1).Badge(At("2024-05-04T12:00:00")).Evaluate(settings));
    }

    [Fact]
    public void TheTimeZoneSettingChangesWhatIsAfterHours()
    {
        // Thursday 12:00 UTC is 21:00 in Tokyo and 08:00 in New York.
        var scenario = new InsiderRiskScenario().Resigned(May1).Badge(At("2024-05-02T12:00:00"));
        InsiderRiskSettings In(string zone) => InsiderRiskSettings.Default with { AfterHours = new AfterHoursSettings { TimeZoneId = zone } };

        Assert.Empty(scenario.Evaluate());
        Assert.Empty(scenario.Evaluate(In("America/New_York")));
        var tokyo = Assert.Single(scenario.Evaluate(In("Asia/Tokyo")));
        Assert.Contains("Thu 2024-05-02 21:00 Asia/Tokyo", tokyo.Contributions[1].Description);

        // Friday 13:00 UTC is a working hour in UTC but 22:00 in Tokyo.
        Assert.False(RiskCorrelator.IsAfterHours(At("2024-05-03T13:00:00"), new AfterHoursSettings(), TimeZoneInfo.Utc));
        Assert.True(RiskCorrelator.IsAfterHours(At("2024-05-03T13:00:00"), new AfterHoursSettings(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo")));
    }

    [Fact]
    public void UnusualVolumeNeedsSevenDaysOfBaseline()
    {
        var resignation = At("2024-05-10T00:00:00");

        var sixDays = new InsiderRiskScenario().Resigned(resignation)
            .SteadyVolume(new DateOnly(2024, 5, 4), new DateOnly(2024, 5, 9), 3)
            .Volume(new DateOnly(2024, 5, 10), 100);
        var sevenDays = new InsiderRiskScenario().Resigned(resignation)
            .SteadyVolume(new DateOnly(2024, 5, 3), new DateOnly(2024, 5, 9), 3)
            .Volume(new DateOnly(2024, 5, 10), 100);

        Assert.Empty(sixDays.Evaluate());
        var finding = Assert.Single(sevenDays.Evaluate());
        Assert.Equal(RiskContributionKinds.UnusualVolume, finding.Contributions[1].Kind);
        Assert.Equal("Resigned 2024-05-10; within 30 days: unusual volume on 2024-05-10 (100 items vs. median 3).", finding.Summary);
    }

    [Theory]
    [InlineData(2, 19, false)] // three times the median but under the 20-item minimum
    [InlineData(2, 20, true)]
    [InlineData(10, 29, false)] // over the minimum but under three times the median
    [InlineData(10, 30, true)]
    public void UnusualVolumeIsAtLeastThreeTimesTheMedianAndTwentyItems(int usual, int spike, bool unusual)
    {
        var findings = new InsiderRiskScenario().Resigned(May1)
            .SteadyVolume(new DateOnly(2024, 4, 1), new DateOnly(2024, 5, 14), usual)
            .Volume(new DateOnly(2024, 5, 15), spike)
            .Evaluate();

        Assert.Equal(unusual ? 1 : 0, findings.Count);
    }

    [Fact]
    public void DaysWithoutArchivedItemsCountAsZeroInTheBaseline()
    {
        // Ten quiet days recorded only at their ends: the median of the days in between is 0, so 20 items is unusual.
        var finding = Assert.Single(new InsiderRiskScenario().Resigned(May1)
            .Volume(new DateOnly(2024, 4, 20), 15)
            .Volume(new DateOnly(2024, 4, 30), 15)
            .Volume(new DateOnly(2024, 5, 2), 20)
            .Evaluate());

        Assert.Contains("median of 0 over the previous 12 days", finding.Contributions[1].Description);
    }

    [Fact]
    public void AVolumeSpikeBeforeTheResignationDoesNotCount() =>
        Assert.Empty(new InsiderRiskScenario().Resigned(May1)
            .SteadyVolume(new DateOnly(2024, 4, 1), new DateOnly(2024, 4, 29), 5)
            .Volume(new DateOnly(2024, 4, 30), 90)
            .SteadyVolume(new DateOnly(2024, 5, 1), new DateOnly(2024, 5, 20), 5)
            .Evaluate());
}

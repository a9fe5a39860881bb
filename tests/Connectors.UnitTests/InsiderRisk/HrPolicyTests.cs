using Connectors.InsiderRisk;
using static Connectors.Tests.InsiderRisk.InsiderRiskScenario;

namespace Connectors.Tests.InsiderRisk;

public sealed class HrPolicyTests
{
    [Fact]
    public void AResignationFollowedByAnAfterHoursBadgeEntryIsAMediumDepartingEmployeeAlert()
    {
        var findings = new InsiderRiskScenario()
            .Resigned(May1)
            .Badge(At("2024-05-02T22:30:00"))
            .Evaluate();

        var finding = Assert.Single(findings);
        Assert.Equal(RiskPolicies.DepartingEmployee, finding.Policy);
        Assert.Equal(Alice, finding.AccountId);
        Assert.Equal(RiskSeverity.Medium, finding.Severity);
        Assert.Equal(May1, finding.WindowStart);
        Assert.Equal(May1.AddDays(30), finding.WindowEnd);
        Assert.Equal([RiskContributionKinds.Resignation, RiskContributionKinds.AfterHoursBadge], finding.Contributions.Select(c => c.Kind));
        Assert.Equal("Resigned 2024-05-01; within 30 days: 1 after-hours badge entry.", finding.Summary);
    }

    [Fact]
    public void BadgeEntriesInWorkingHoursAreNotRisky()
    {
        var findings = new InsiderRiskScenario()
            .Resigned(May1)
            .Badge(At("2024-05-02T09:00:00"))
            .Badge(At("2024-05-03T19:59:00"))
            .Evaluate();

        Assert.Empty(findings);
    }

    [Fact]
    public void AResignationWithDlpHitsUnusualVolumeAndAFailedBadgeIsCriticalAndExplainsItself()
    {
        var findings = new InsiderRiskScenario()
            .Resigned(May1)
            .SteadyVolume(new DateOnly(2024, 4, 1), new DateOnly(2024, 5, 6), 9)
            .Volume(new DateOnly(2024, 5, 7), 64)
            .DlpHit(At("2024-05-03T10:00:00"), "credit-card")
            .DlpHit(At("2024-05-05T10:00:00"), "iban")
            .DlpHit(At("2024-05-08T10:00:00"), "credit-card")
            .Badge(At("2024-05-09T11:00:00"), succeeded: false)
            .Evaluate();

        var finding = Assert.Single(findings);
        Assert.Equal(RiskSeverity.Critical, finding.Severity);
        Assert.Equal(
            "Resigned 2024-05-01; within 30 days: 3 DLP hits (credit-card ×2, iban ×1), 1 failed badge attempt, "
            + "unusual volume on 2024-05-07 (64 items vs. median 9).",
            finding.Summary);
        var volume = Assert.Single(finding.Contributions, c => c.Kind == RiskContributionKinds.UnusualVolume);
        Assert.Contains("64 archived items on 2024-05-07", volume.Description);
    }

    [Fact]
    public void DlpHitsAloneMakeADepartingEmployeeHigh()
    {
        var finding = Assert.Single(new InsiderRiskScenario()
            .Resigned(May1)
            .DlpHit(At("2024-05-10T10:00:00"))
            .Evaluate());

        Assert.Equal(RiskSeverity.High, finding.Severity);
    }

    [Fact]
    public void TwoKindsOfActivityWithoutDlpMakeADepartingEmployeeHigh()
    {
        var finding = Assert.Single(new InsiderRiskScenario()
            .Resigned(May1)
            .SteadyVolume(new DateOnly(2024, 4, 1), new DateOnly(2024, 5, 9), 5)
            .Volume(new DateOnly(2024, 5, 10), 40)
            .Badge(At("2024-05-11T23:00:00"))
            .Evaluate());

        Assert.Equal(RiskSeverity.High, finding.Severity);
    }

    [Theory]
    [InlineData("2024-04-30T23:00:00")] // the evening before the resignation
    [InlineData("2024-05-01T00:00:00")] // at the very moment of it
    [InlineData("2024-05-31T00:00:01")] // just after the 30-day window
    [InlineData("2024-07-01T22:00:00")]
    public void ActivityBeforeTheResignationOrAfterTheWindowRaisesNothing(string when)
    {
        var findings = new InsiderRiskScenario()
            .Resigned(May1)
            .Badge(At(when))
            .DlpHit(At(when))
            .Evaluate();

        Assert.Empty(findings);
    }

    [Fact]
    public void ActivityOnTheLastMomentOfTheWindowStillCounts() =>
        Assert.Single(new InsiderRiskScenario()
            .Resigned(May1)
            .DlpHit(May1.AddDays(30))
            .Evaluate());

    [Fact]
    public void TheDepartingWindowIsConfigurable()
    {
        var scenario = new InsiderRiskScenario().Resigned(May1).DlpHit(At("2024-05-20T10:00:00"));

        Assert.Single(scenario.Evaluate());
        Assert.Empty(scenario.Evaluate(InsiderRiskSettings.Default with { DepartingWindow = TimeSpan.FromDays(10) }));
    }

    [Fact]
    public void AResignationWithNoActivityRaisesNothing() =>
        Assert.Empty(new InsiderRiskScenario().Resigned(May1).Evaluate());

    [Fact]
    public void ActivityOfSomeoneElseDoesNotCount() =>
        Assert.Empty(new InsiderRiskScenario()
            .Resigned(May1, Alice)
            .DlpHit(At("2024-05-02T10:00:00"), account: Bob)
            .Badge(At("2024-05-02T23:00:00"), account: Bob)
            .Evaluate());

    [Fact]
    public void SignalsAfterNowAreIgnored()
    {
        var scenario = new InsiderRiskScenario().Resigned(May1).DlpHit(At("2024-05-10T10:00:00"));

        Assert.Empty(scenario.Evaluate(now: At("2024-05-09T00:00:00")));
        Assert.Single(scenario.Evaluate(now: At("2024-05-11T00:00:00")));
    }

    [Fact]
    public void APerformanceReviewFollowedByADlpHitIsARiskyUserAlert()
    {
        var finding = Assert.Single(new InsiderRiskScenario()
            .HrEvent(HrScenarios.PerformanceReview, May1)
            .DlpHit(At("2024-06-15T10:00:00")) // 45 days later: inside the 60-day window
            .Evaluate());

        Assert.Equal(RiskPolicies.RiskyUser, finding.Policy);
        Assert.Equal(RiskSeverity.Medium, finding.Severity);
        Assert.Equal(May1.AddDays(60), finding.WindowEnd);
        Assert.Equal([RiskContributionKinds.PerformanceReview, RiskContributionKinds.DlpHit], finding.Contributions.Select(c => c.Kind));
        Assert.StartsWith("Performance review 2024-05-01; within 60 days: 1 DLP hit (credit-card ×1)", finding.Summary);
    }

    [Fact]
    public void AnImprovementPlanFollowedByAnAfterHoursEntryIsALowRiskyUserAlert()
    {
        var finding = Assert.Single(new InsiderRiskScenario()
            .HrEvent("performanceimprovementplan", May1)
            .Badge(At("2024-05-02T05:00:00"))
            .Evaluate());

        Assert.Equal(RiskPolicies.RiskyUser, finding.Policy);
        Assert.Equal(RiskSeverity.Low, finding.Severity);
        Assert.Equal(RiskContributionKinds.ImprovementPlan, finding.Contributions[0].Kind);
    }

    [Fact]
    public void AJobLevelChangeStartsNoPolicy() =>
        Assert.Empty(new InsiderRiskScenario()
            .HrEvent(HrScenarios.JobLevelChange, May1)
            .DlpHit(At("2024-05-02T10:00:00"))
            .Evaluate());

    [Fact]
    public void TheSameResignationUploadedTwiceGivesOneAlert() =>
        Assert.Single(new InsiderRiskScenario()
            .Resigned(May1)
            .Resigned(May1)
            .DlpHit(At("2024-05-02T10:00:00"))
            .Evaluate());

    [Fact]
    public void ContributionsAreListedInTimeOrderWithTheirSources()
    {
        // Signals are given out of order on purpose.
        var scenario = new InsiderRiskScenario()
            .DlpHit(At("2024-05-06T10:00:00"), "iban")
            .Badge(At("2024-05-03T21:00:00"))
            .DlpHit(At("2024-05-02T10:00:00"))
            .Resigned(May1);

        var finding = Assert.Single(scenario.Evaluate());

        Assert.Equal(
            [
                (May1, "HR upload 7 row 2"),
                (At("2024-05-02T10:00:00"), "item-2"),
                (At("2024-05-03T21:00:00"), "badge event 1"),
                (At("2024-05-06T10:00:00"), "item-1"),
            ],
            finding.Contributions.Select(c => (c.At, c.Source)));
        Assert.Contains("Server room (door-7)", finding.Contributions[2].Description);
    }

    [Fact]
    public void KeysAreStableAcrossRunsAndDistinctAcrossPeople()
    {
        var first = new InsiderRiskScenario()
            .Resigned(May1, Alice).DlpHit(At("2024-05-02T10:00:00"), account: Alice)
            .Resigned(May1, Bob).DlpHit(At("2024-05-02T10:00:00"), account: Bob)
            .FailedAttempts(At("2024-05-03T10:00:00"), 5, TimeSpan.FromMinutes(1), Alice)
            .FailedAttempts(At("2024-05-03T10:00:00"), 5, TimeSpan.FromMinutes(1), Bob);
        var reordered = new InsiderRiskInputs(
            first.Hr.AsEnumerable().Reverse().ToList(),
            first.Badges.AsEnumerable().Reverse().ToList(),
            first.Dlp.AsEnumerable().Reverse().ToList(),
            []);

        var keys = first.Evaluate().Select(f => f.Key).ToList();
        var again = RiskCorrelator.Evaluate(reordered, InsiderRiskSettings.Default, Now.AddDays(30)).Select(f => f.Key).ToList();

        Assert.Equal(4, keys.Count);
        Assert.Equal(4, keys.Distinct().Count());
        Assert.Equal(keys.Order(), again.Order());
    }

    [Fact]
    public void ANewSignalInTheWindowKeepsTheAlertsKey()
    {
        var scenario = new InsiderRiskScenario().Resigned(May1).Badge(At("2024-05-02T22:30:00"));
        var before = Assert.Single(scenario.Evaluate());

        var after = Assert.Single(scenario.DlpHit(At("2024-05-04T10:00:00")).Evaluate());

        Assert.Equal(before.Key, after.Key);
        Assert.Equal(RiskSeverity.High, after.Severity);
    }

    [Fact]
    public void InvalidSettingsAreRejected()
    {
        var settings = InsiderRiskSettings.Default with { AfterHours = new AfterHoursSettings { TimeZoneId = "Mars/Olympus_Mons" } };

        Assert.Contains(settings.Validate(), p => p.Contains("Mars/Olympus_Mons", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new InsiderRiskScenario().Evaluate(settings));
        Assert.Empty(InsiderRiskSettings.Default.Validate());
    }
}

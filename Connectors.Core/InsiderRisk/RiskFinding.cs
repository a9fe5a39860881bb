namespace Connectors.InsiderRisk;

/// <summary>The policy names a finding can carry.</summary>
public static class RiskPolicies
{
    /// <summary>Resignation followed by risky activity.</summary>
    public const string DepartingEmployee = "DepartingEmployee";

    /// <summary>Performance review or improvement plan followed by risky activity.</summary>
    public const string RiskyUser = "RiskyUser";

    /// <summary>Many failed badge attempts in a short time.</summary>
    public const string FailedBadgeBurst = "FailedBadgeBurst";
}

/// <summary>The kinds of signal that can contribute to a finding.</summary>
public static class RiskContributionKinds
{
    /// <summary>The resignation that opened a departing-employee window.</summary>
    public const string Resignation = "Resignation";

    /// <summary>The performance review that opened a risky-user window.</summary>
    public const string PerformanceReview = "PerformanceReview";

    /// <summary>The improvement plan that opened a risky-user window.</summary>
    public const string ImprovementPlan = "ImprovementPlan";

    /// <summary>A successful badge entry outside working hours.</summary>
    public const string AfterHoursBadge = "AfterHoursBadge";

    /// <summary>A badge attempt that was refused.</summary>
    public const string FailedBadge = "FailedBadge";

    /// <summary>A DLP hit on one of the person's archived items.</summary>
    public const string DlpHit = "DlpHit";

    /// <summary>A day with far more archived communications than the person's usual.</summary>
    public const string UnusualVolume = "UnusualVolume";
}

/// <summary>How serious a finding is.</summary>
public enum RiskSeverity
{
    /// <summary>Worth a look.</summary>
    Low = 0,

    /// <summary>Should be reviewed.</summary>
    Medium = 1,

    /// <summary>Should be reviewed soon.</summary>
    High = 2,

    /// <summary>Review now.</summary>
    Critical = 3,
}

/// <summary>One signal that contributed to a finding, with when it happened and where it came from.</summary>
public sealed record RiskContribution(string Kind, DateTimeOffset At, string Source, string Description);

/// <summary>
/// A risk alert produced by <see cref="RiskCorrelator"/>. <see cref="Key"/> is stable for the same data, so
/// re-running the correlation yields the same keys and a store can upsert by it.
/// </summary>
/// <param name="Policy">One of <see cref="RiskPolicies"/>.</param>
/// <param name="WindowStart">The trigger time (HR policies) or the first attempt (bursts).</param>
/// <param name="WindowEnd">The end of the policy window (HR policies) or the last attempt (bursts).</param>
/// <param name="Contributions">The signals behind the finding in time order; for HR policies the trigger comes first.</param>
public sealed record RiskFinding(
    string Policy,
    Guid AccountId,
    RiskSeverity Severity,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    string Summary,
    IReadOnlyList<RiskContribution> Contributions,
    string Key);

namespace Connectors.InsiderRisk;

/// <summary>The HR scenario names the correlator understands (compared without regard to case).</summary>
public static class HrScenarios
{
    /// <summary>The person resigned; starts the departing-employee window.</summary>
    public const string Resignation = "Resignation";

    /// <summary>The person's job level changed. Recorded, but not a trigger for any policy.</summary>
    public const string JobLevelChange = "JobLevelChange";

    /// <summary>The person had a performance review; starts the risky-user window.</summary>
    public const string PerformanceReview = "PerformanceReview";

    /// <summary>The person was placed on an improvement plan; starts the risky-user window.</summary>
    public const string PerformanceImprovementPlan = "PerformanceImprovementPlan";
}

/// <summary>An HR event for an account, such as a resignation or a performance review.</summary>
/// <param name="AccountId">The account the HR record was mapped to.</param>
/// <param name="Scenario">One of <see cref="HrScenarios"/>.</param>
/// <param name="At">When the event took effect.</param>
/// <param name="Source">Where it came from, e.g. "HR upload 1f2e… row 3".</param>
/// <param name="Detail">Optional extra text, e.g. a review rating.</param>
public sealed record HrEvent(Guid AccountId, string Scenario, DateTimeOffset At, string Source, string? Detail = null);

/// <summary>One badge reader event: a door or asset the person badged at, and whether it let them in.</summary>
public sealed record BadgeAccess(Guid AccountId, DateTimeOffset At, string AssetId, string? AssetName, bool Succeeded, string Source);

/// <summary>A DLP policy hit on an archived item that belongs to the account.</summary>
/// <param name="InfoType">The sensitive information type, e.g. "credit-card".</param>
/// <param name="Count">How many matches the item had.</param>
/// <param name="Source">The archived item's key.</param>
public sealed record DlpHit(Guid AccountId, DateTimeOffset At, string InfoType, int Count, string Source);

/// <summary>
/// How many communications were archived for the person on one UTC day. Days without a row count as zero
/// once the person's first row has been seen.
/// </summary>
public sealed record DailyVolume(Guid AccountId, DateOnly Day, int Items);

/// <summary>Everything the correlator looks at in one run.</summary>
public sealed record InsiderRiskInputs(
    IReadOnlyList<HrEvent> HrEvents,
    IReadOnlyList<BadgeAccess> Badges,
    IReadOnlyList<DlpHit> DlpHits,
    IReadOnlyList<DailyVolume> Volumes)
{
    /// <summary>No signals at all.</summary>
    public static InsiderRiskInputs Empty { get; } = new([], [], [], []);
}

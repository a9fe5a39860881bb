namespace Connectors.InsiderRisk;

/// <summary>The windows, thresholds and severity rule the correlator uses. Every value has a sensible default.</summary>
public sealed record InsiderRiskSettings
{
    /// <summary>The defaults.</summary>
    public static InsiderRiskSettings Default { get; } = new();

    /// <summary>How long after a resignation activity counts towards a departing-employee alert. Default 30 days.</summary>
    public TimeSpan DepartingWindow { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long after a performance review or improvement plan activity counts towards a risky-user alert. Default 60 days.</summary>
    public TimeSpan RiskyUserWindow { get; init; } = TimeSpan.FromDays(60);

    /// <summary>What counts as after hours.</summary>
    public AfterHoursSettings AfterHours { get; init; } = new();

    /// <summary>What counts as an unusual volume of archived communications.</summary>
    public UnusualVolumeSettings UnusualVolume { get; init; } = new();

    /// <summary>What counts as a burst of failed badge attempts.</summary>
    public FailedBurstSettings FailedBurst { get; init; } = new();

    /// <summary>How severities are chosen.</summary>
    public RiskSeverityRule Severity { get; init; } = new();

    /// <summary>Returns the problems with these settings; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (DepartingWindow <= TimeSpan.Zero)
        {
            problems.Add("The departing-employee window must be positive.");
        }

        if (RiskyUserWindow <= TimeSpan.Zero)
        {
            problems.Add("The risky-user window must be positive.");
        }

        if (AfterHours is null || UnusualVolume is null || FailedBurst is null || Severity is null)
        {
            problems.Add("Every settings section is required.");
            return problems;
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(AfterHours.TimeZoneId ?? "", out _))
        {
            problems.Add($"Unknown time zone '{AfterHours.TimeZoneId}'.");
        }

        if (AfterHours.WorkdayStart >= AfterHours.WorkdayEnd)
        {
            problems.Add("Working hours must start before they end.");
        }

        if (UnusualVolume.Factor <= 0 || double.IsNaN(UnusualVolume.Factor) || double.IsInfinity(UnusualVolume.Factor))
        {
            problems.Add("The unusual-volume factor must be a positive number.");
        }

        if (UnusualVolume.MinimumItems < 1)
        {
            problems.Add("The unusual-volume minimum must be at least 1 item.");
        }

        if (UnusualVolume.BaselineDays < 1 || UnusualVolume.MinimumBaselineDays < 1 || UnusualVolume.MinimumBaselineDays > UnusualVolume.BaselineDays)
        {
            problems.Add("The unusual-volume baseline needs at least 1 day and no more required days than it has.");
        }

        if (FailedBurst.Attempts < 2)
        {
            problems.Add("A failed-badge burst needs at least 2 attempts.");
        }

        if (FailedBurst.Within <= TimeSpan.Zero)
        {
            problems.Add("The failed-badge burst period must be positive.");
        }

        if (!Enum.IsDefined(Severity.DepartingEmployeeBase) || !Enum.IsDefined(Severity.RiskyUserBase))
        {
            problems.Add("Unknown base severity.");
        }

        if (Severity.BurstHighAttempts < FailedBurst.Attempts)
        {
            problems.Add("The burst size for High severity cannot be below the burst size itself.");
        }

        return problems;
    }
}

/// <summary>
/// Working hours in one time zone. Badge events before <see cref="WorkdayStart"/> or at/after
/// <see cref="WorkdayEnd"/> local time are after hours, and so is the whole weekend when
/// <see cref="WeekendsAreAfterHours"/> is set.
/// </summary>
public sealed record AfterHoursSettings
{
    /// <summary>IANA or Windows time zone id. Default "UTC".</summary>
    public string TimeZoneId { get; init; } = "UTC";

    /// <summary>Default 07:00.</summary>
    public TimeOnly WorkdayStart { get; init; } = new(7, 0);

    /// <summary>Default 20:00.</summary>
    public TimeOnly WorkdayEnd { get; init; } = new(20, 0);

    /// <summary>Default true: Saturday and Sunday are after hours all day.</summary>
    public bool WeekendsAreAfterHours { get; init; } = true;
}

/// <summary>
/// A day is unusual when its archived items are at least max(<see cref="Factor"/> × the median of the previous
/// <see cref="BaselineDays"/> days, <see cref="MinimumItems"/>). The baseline only starts at the person's first
/// recorded day (missing days after that count as zero), and needs <see cref="MinimumBaselineDays"/> days.
/// </summary>
public sealed record UnusualVolumeSettings
{
    /// <summary>Default 3.</summary>
    public double Factor { get; init; } = 3;

    /// <summary>Default 20 items.</summary>
    public int MinimumItems { get; init; } = 20;

    /// <summary>Default 30 days.</summary>
    public int BaselineDays { get; init; } = 30;

    /// <summary>Default 7 days.</summary>
    public int MinimumBaselineDays { get; init; } = 7;
}

/// <summary>A burst is at least <see cref="Attempts"/> failed badge attempts by one person within <see cref="Within"/>.</summary>
public sealed record FailedBurstSettings
{
    /// <summary>Default 5.</summary>
    public int Attempts { get; init; } = 5;

    /// <summary>Default 10 minutes.</summary>
    public TimeSpan Within { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// The severity rule. Activity after an HR trigger falls into three groups: badge (after-hours entries or failed
/// attempts), DLP hits, and unusual volume. A finding starts at its policy's base severity when it has one group;
/// it goes up one step when it has DLP hits or two or more groups, and two steps when it has all three, capped at
/// Critical. With the defaults a departing employee is Medium → High → Critical and a risky user Low → Medium → High.
/// A failed-badge burst is Medium, or High from <see cref="BurstHighAttempts"/> attempts.
/// </summary>
public sealed record RiskSeverityRule
{
    /// <summary>Default Medium.</summary>
    public RiskSeverity DepartingEmployeeBase { get; init; } = RiskSeverity.Medium;

    /// <summary>Default Low.</summary>
    public RiskSeverity RiskyUserBase { get; init; } = RiskSeverity.Low;

    /// <summary>Default 10.</summary>
    public int BurstHighAttempts { get; init; } = 10;
}

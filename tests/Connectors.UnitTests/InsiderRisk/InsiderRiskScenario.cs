using Connectors.InsiderRisk;

namespace Connectors.Tests.InsiderRisk;

/// <summary>Builds correlation inputs for one or more people in the tests.</summary>
internal sealed class InsiderRiskScenario
{
    public static readonly Guid Alice = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    public static readonly Guid Bob = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002");

    /// <summary>Wednesday 2024-05-01 00:00 UTC.</summary>
    public static readonly DateTimeOffset May1 = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Now = new(2024, 9, 1, 0, 0, 0, TimeSpan.Zero);

    public List<HrEvent> Hr { get; } = [];
    public List<BadgeAccess> Badges { get; } = [];
    public List<DlpHit> Dlp { get; } = [];
    public List<DailyVolume> Volumes { get; } = [];

    public static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc + "Z", System.Globalization.CultureInfo.InvariantCulture);

    public InsiderRiskScenario Resigned(DateTimeOffset at, Guid? account = null)
    {
        Hr.Add(new HrEvent(account ?? Alice, HrScenarios.Resignation, at, $"HR upload 7 row {Hr.Count + 2}"));
        return this;
    }

    public InsiderRiskScenario HrEvent(string scenario, DateTimeOffset at, Guid? account = null)
    {
        Hr.Add(new HrEvent(account ?? Alice, scenario, at, $"HR upload 7 row {Hr.Count + 2}"));
        return this;
    }

    public InsiderRiskScenario Badge(DateTimeOffset at, bool succeeded = true, Guid? account = null, string asset = "door-7")
    {
        Badges.Add(new BadgeAccess(account ?? Alice, at, asset, "Server room", succeeded, $"badge event {Badges.Count + 1}"));
        return this;
    }

    public InsiderRiskScenario FailedAttempts(DateTimeOffset first, int count, TimeSpan apart, Guid? account = null)
    {
        for (var i = 0; i < count; i++)
        {
            Badge(first + (apart * i), succeeded: false, account);
        }

        return this;
    }

    public InsiderRiskScenario DlpHit(DateTimeOffset at, string infoType = "credit-card", Guid? account = null)
    {
        Dlp.Add(new DlpHit(account ?? Alice, at, infoType, 1, $"item-{Dlp.Count + 1}"));
        return this;
    }

    /// <summary>The same number of archived items every day from <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public InsiderRiskScenario SteadyVolume(DateOnly from, DateOnly to, int items, Guid? account = null)
    {
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            Volumes.Add(new DailyVolume(account ?? Alice, day, items));
        }

        return this;
    }

    public InsiderRiskScenario Volume(DateOnly day, int items, Guid? account = null)
    {
        Volumes.Add(new DailyVolume(account ?? Alice, day, items));
        return this;
    }

    public InsiderRiskInputs Inputs => new(Hr, Badges, Dlp, Volumes);

    public IReadOnlyList<RiskFinding> Evaluate(InsiderRiskSettings? settings = null, DateTimeOffset? now = null) =>
        RiskCorrelator.Evaluate(Inputs, settings ?? InsiderRiskSettings.Default, now ?? Now);
}
